// Stand-in for supports-hyperlinks (marked-terminal asks it whether to draw links as terminal
// hyperlinks): the plugin never does, and the real one needs supports-color, which the bundle leaves out.
export default { stdout: false, stderr: false };
