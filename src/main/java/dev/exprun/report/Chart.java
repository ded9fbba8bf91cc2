package dev.exprun.report;

/** One drawn chart: the file name it gets with format=svg (without .svg), and the inline SVG. */
record Chart(String file, String svg) {
}
