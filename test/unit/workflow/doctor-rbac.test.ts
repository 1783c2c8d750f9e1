import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PERMISSIONS, permissionText, roleYaml, rulesYaml } from '../../../src/workflow/doctor-rbac.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('the RBAC the plugin needs', () => {
  it('covers every verb of the spec and leaves cluster-scoped namespaces out', () => {
    assert.deepEqual(PERMISSIONS.map(permissionText), [
      'get flinkdeployments',
      'list flinkdeployments',
      'get flinksessionjobs',
      'list pods',
      'get configmaps',
      'get services',
      'get pods/portforward',
      'create pods/portforward',
      'get pods/exec',
      'create pods/exec',
    ]);
    assert.deepEqual(PERMISSIONS.filter((p) => p.required).map(permissionText), ['get flinkdeployments', 'list pods', 'get pods/portforward', 'create pods/portforward']);
  });

  it('krew/rbac.yaml grants exactly what doctor checks', () => {
    const file = readFileSync(path.join(repoRoot, 'krew', 'rbac.yaml'), 'utf8');
    const role = file.slice(file.indexOf('kind: Role\n'), file.indexOf('---'));
    assert.ok(role.endsWith(rulesYaml(PERMISSIONS)), `krew/rbac.yaml rules differ from:\n${rulesYaml(PERMISSIONS)}`);
  });

  it('prints a Role for just the missing permissions', () => {
    const missing = PERMISSIONS.filter((p) => ['create pods/portforward', 'get flinksessionjobs'].includes(permissionText(p)));
    assert.equal(
      roleYaml(missing, 'flink'),
      [
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: Role',
        'metadata:',
        '  name: squirrly',
        '  namespace: flink',
        'rules:',
        '- apiGroups: ["flink.apache.org"]',
        '  resources: ["flinksessionjobs"]',
        '  verbs: ["get"]',
        '- apiGroups: [""]',
        '  resources: ["pods/portforward"]',
        '  verbs: ["create"]',
        '',
      ].join('\n'),
    );
  });
});
