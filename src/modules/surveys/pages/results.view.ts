import type { FastifyReply, FastifyRequest } from 'fastify';
import { html, type Html } from '../../../platform/web/html.ts';
import { renderPage } from '../../../platform/web/layout.ts';
import type { OptionCount, QuestionResult } from '../results.ts';
import type { Choice, Question } from '../surveys.repository.ts';
import type { ResultsView } from '../surveys.use-cases.ts';
import { number, plain, stylesheet, translated } from './shared.ts';

/**
 * A horizontal bar chart in SVG (no script, no inline style, so the strict CSP holds): each bar's label
 * and percentage are written beside it. The table after it holds the same figures.
 */
function chart(
  request: FastifyRequest,
  id: string,
  caption: string,
  bars: Array<{ label: string; percent: number }>,
): Html {
  const rowHeight = 36;
  const width = 640;
  const barArea = 420;
  const height = bars.length * rowHeight + 8;
  return html`<svg class="survey-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-title" focusable="false">
<title id="${id}-title">${caption}</title>
${bars.map((bar, index) => {
  const y = index * rowHeight + 4;
  const barWidth = Math.max(2, Math.round((bar.percent / 100) * barArea));
  return html`<g><text x="0" y="${y + 12}">${bar.label.length > 80 ? `${bar.label.slice(0, 79)}…` : bar.label}</text>
<rect class="survey-bar" x="0" y="${y + 16}" width="${barWidth}" height="12"></rect>
<text x="${barWidth + 6}" y="${y + 27}">${number(request, bar.percent, 1)} %</text></g>`;
})}
</svg>`;
}

function countsTable(request: FastifyRequest, caption: string, options: Choice[], counts: OptionCount[]): Html {
  const { t } = request;
  return html`<table><caption>${caption}</caption>
<thead><tr><th scope="col">${t('surveys.results.option')}</th><th scope="col">${t('surveys.results.count')}</th><th scope="col">${t('surveys.results.percent')}</th></tr></thead>
<tbody>${counts.map((c) => {
    const option = options.find((o) => o.id === c.choiceId);
    return html`<tr><th scope="row">${translated(request, option?.label)}</th><td>${number(request, c.count)}</td><td>${number(request, c.percent, 1)} %</td></tr>`;
  })}</tbody></table>`;
}

function choiceResult(request: FastifyRequest, question: Question, result: QuestionResult): Html {
  const { t } = request;
  const title = plain(request, question.title);
  const bars = (counts: OptionCount[]) =>
    counts.map((c) => ({
      label: plain(request, question.options.find((o) => o.id === c.choiceId)?.label),
      percent: c.percent,
    }));
  switch (question.kind) {
    case 'single':
    case 'multiple':
      return html`${chart(request, `chart-${question.id}`, t('surveys.results.chart', { question: title }), bars(result.options))}
${countsTable(request, t('surveys.results.tableOf', { question: title }), question.options, result.options)}
${question.kind === 'multiple' ? html`<p class="muted">${t('surveys.results.multipleNote')}</p>` : ''}`;
    case 'matrix':
      return html`${result.rows.map((row) => {
        const label = plain(request, question.rows.find((r) => r.id === row.rowId)?.label);
        const caption = `${title} — ${label}`;
        return html`<h3>${label}</h3>${chart(request, `chart-${question.id}-${row.rowId}`, t('surveys.results.chart', { question: caption }), bars(row.options))}
${countsTable(request, t('surveys.results.tableOf', { question: caption }), question.options, row.options)}`;
      })}`;
    case 'ranking':
      return html`<table><caption>${t('surveys.results.rankingOf', { question: title })}</caption>
<thead><tr><th scope="col">${t('surveys.results.option')}</th><th scope="col">${t('surveys.results.meanRank')}</th><th scope="col">${t('surveys.results.ranked')}</th></tr></thead>
<tbody>${result.ranks.map((r) => html`<tr><th scope="row">${translated(request, question.options.find((o) => o.id === r.choiceId)?.label)}</th><td>${r.meanRank === null ? '—' : number(request, r.meanRank, 2)}</td><td>${number(request, r.ranked)}</td></tr>`)}</tbody></table>`;
    case 'number':
      return result.numbers
        ? html`<dl class="survey-figures"><dt>${t('surveys.results.mean')}</dt><dd>${number(request, result.numbers.mean, 2)}</dd><dt>${t('surveys.results.min')}</dt><dd>${number(request, result.numbers.min, 6)}</dd><dt>${t('surveys.results.max')}</dt><dd>${number(request, result.numbers.max, 6)}</dd></dl>`
        : html``;
    case 'date':
      return result.dates
        ? html`<dl class="survey-figures"><dt>${t('surveys.results.first')}</dt><dd>${result.dates.first}</dd><dt>${t('surveys.results.last')}</dt><dd>${result.dates.last}</dd></dl>`
        : html``;
    case 'short_text':
    case 'long_text':
      return result.texts.length > 0
        ? html`<ul class="survey-texts">${result.texts.map((text) => html`<li>${text}</li>`)}</ul>`
        : html`<p class="muted">${t('surveys.results.textsStaffOnly')}</p>`;
  }
}

export function resultsView(request: FastifyRequest, reply: FastifyReply, data: ResultsView) {
  const { t } = request;
  const { survey, questions, results } = data;
  return renderPage(request, reply, {
    title: t('surveys.results.title', { survey: plain(request, survey.title) }),
    noIndex: data.withTexts || !survey.resultsPublic || !survey.published,
    main: html`${stylesheet()}<h1>${t('surveys.results.title', { survey: plain(request, survey.title) })}</h1>
<p>${t('surveys.results.responses', { count: results.responses })}</p>
${data.withTexts ? html`<p><a href="/surveys/${survey.id}/responses.csv">${t('surveys.results.csv')}</a></p>` : ''}
${questions.map((question, index) => {
  const result = results.questions.find((r) => r.questionId === question.id);
  if (!result) return '';
  return html`<section class="survey-result" aria-labelledby="result-${question.id}"><h2 id="result-${question.id}">${index + 1}. ${translated(request, question.title)}</h2>
<p class="muted">${t('surveys.results.answered', { count: result.answered })}</p>
${choiceResult(request, question, result)}</section>`;
})}`,
  });
}
