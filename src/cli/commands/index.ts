// Every command, in the order help lists them. Loading this loads definitions only: each handler
// imports its workflow when it runs.
import type { Command } from '../command.ts';
import { analyzeCommand } from './analyze.ts';
import { artifactsCommand } from './artifacts.ts';
import { completeCommand } from './complete.ts';
import { diffCommand } from './diff.ts';
import { doctorCommand } from './doctor.ts';
import { exportCommand } from './export.ts';
import { monitorCommand } from './monitor.ts';
import { profileCommand } from './profile.ts';
import { reportCommand } from './report.ts';
import { versionCommand } from './version.ts';

export const COMMANDS: readonly Command[] = [profileCommand, artifactsCommand, doctorCommand, analyzeCommand, diffCommand, exportCommand, reportCommand, monitorCommand, versionCommand, completeCommand];
