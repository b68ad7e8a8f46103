import { CHART_NAMES } from './charts.ts';

/** Every file of the HTML report a folder may hold, for removing those a new report does not write. */
export const HTML_REPORT_FILES = ['report.html', ...CHART_NAMES.map((n) => `charts/${n}.svg` as const)] as const;
