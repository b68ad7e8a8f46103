/** Every chart a report may draw, as named in charts/NAME.svg and report.html. */
export const CHART_NAMES = ['deadline', 'fill-vs-spend', 'value', 'paired', 'win-rates', 'latency'] as const;

/** Every file of the HTML report a folder may hold, for removing those a new report does not write. */
export const HTML_REPORT_FILES = ['report.html', ...CHART_NAMES.map((n) => `charts/${n}.svg` as const)] as const;
