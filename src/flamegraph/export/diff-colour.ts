// The colour of a frame in a differential flame graph, as page script: red where the frame's rate
// grew from BASE to NEW, blue where it shrank, grey where it held. Both pages that draw a
// difference (diff's own and the run report's) embed this one function.
export const DIFF_COLOUR_SCRIPT = `
function diffColour(newRate, baseRate) {
  const top = Math.max(newRate, baseRate), d = top === 0 ? 0 : (newRate - baseRate) / top, k = Math.min(1, Math.abs(d) * 1.5);
  return d > 0 ? 'rgb(' + Math.round(220 + 10 * k) + ',' + Math.round(220 - 150 * k) + ',' + Math.round(220 - 160 * k) + ')'
               : 'rgb(' + Math.round(220 - 150 * k) + ',' + Math.round(220 - 110 * k) + ',' + Math.round(220 + 10 * k) + ')';
}
`;
