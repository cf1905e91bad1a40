/** The statistical explanations and the findings in German (see statistics-words.ts). */
import type { FindingWords, GrainWord, StatisticsWords } from './statistics-words.js';

const UNIT: Readonly<Record<GrainWord, readonly [string, string]>> = {
  day: ['Tag', 'Tage'],
  week: ['Woche', 'Wochen'],
  month: ['Monat', 'Monate'],
  quarter: ['Quartal', 'Quartale'],
  year: ['Jahr', 'Jahre'],
};
/** "der letzten 12 abgeschlossenen Monate" needs the genitive plural; "Tage" → "Tage" (same). */
const unitOf = (grain: GrainWord | null, n: number) => (grain ? UNIT[grain][n === 1 ? 0 : 1] : n === 1 ? 'Periode' : 'Perioden');
const ADJECTIVE: Readonly<Record<GrainWord, string>> = { day: 'Tägliche', week: 'Wöchentliche', month: 'Monatliche', quarter: 'Quartalsweise', year: 'Jährliche' };
const SEASON: Readonly<Record<GrainWord, string>> = { day: 'Tages', week: 'Wochen', month: 'Monats', quarter: 'Quartals', year: 'Jahres' };
const PER: Readonly<Record<GrainWord, string>> = { day: 'pro Tag', week: 'pro Woche', month: 'pro Monat', quarter: 'pro Quartal', year: 'pro Jahr' };
const SIDE = { above: 'über', below: 'unter' } as const;
const listed = (xs: readonly string[], and: string) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} ${and} ${xs.at(-1) ?? ''}`);

const FINDING: FindingWords = {
  bandTitle: (band) => (band === null ? 'Einstufung: noch nicht bestimmt' : `Einstufung: ${band}`),
  bandText: (rate, band, reason) => `Die Konversionsrate beträgt ${rate}. ${band === null ? `Ihre Einstufung lässt sich nicht benennen: ${reason ?? 'das Intervall reicht über zwei Bereiche'}.` : `Das ganze Intervall liegt im Bereich „${band}“.`}`,
  benchmarkTitle: (industry, standing) =>
    `Kunden aus ${industry} liegen ${standing === 'consistent' ? 'im Rahmen ihres' : standing === 'above' ? 'über ihrem' : 'unter ihrem'} Branchenvergleichswert`,
  benchmarkText: (industry, source, benchmark, rate, gap, standing, p) =>
    `Kunden aus ${industry} (Vergleichswert ${source} ${benchmark}) konvertieren mit ${rate}, ${gap} vom Vergleichswert entfernt; ` +
    (standing === 'consistent' ? 'das Intervall schließt den Vergleichswert ein.' : `das ganze Intervall liegt ${standing === 'above' ? 'darüber' : 'darunter'} (Score-Test ${p}).`),
  targetTitle: (standing) => (standing === 'below' ? 'Unter dem Ziel' : standing === 'above' ? 'Über dem Ziel' : 'Im Ziel (innerhalb des Intervalls)'),
  targetText: (rate, gap, target, standing) =>
    `Die Rate ${rate} liegt ${gap} vom Ziel ${target} entfernt; ${standing === 'consistent' ? 'das Intervall schließt das Ziel ein.' : `das ganze Intervall liegt ${standing === 'above' ? 'darüber' : 'darunter'}.`}`,
  segmentTitle: (dimension, value, side) => `${dimension} ${value} konvertiert ${side === 'above' ? 'besser' : 'schlechter'} als der Rest`,
  segmentText: (dimension, value, rate, rest, difference, correction, p) => `${dimension} = ${value}: ${rate} gegenüber ${rest} bei den übrigen Angeboten — ${difference}; ${correction}-Korrektur, ${p.replace(/^p\b/, 'adjustiertes p')}.`,
  offerTitle: (best, offer) => `${best ? 'Bestes' : 'Schwächstes'} Angebot nach Konversion: ${offer}`,
  offerText: (offer, shrunken, interval, accepted, offers, raw, overall, probability) =>
    `${offer}: geschrumpfte Rate ${shrunken} (95 %-Glaubwürdigkeitsintervall ${interval}; roh ${accepted} von ${offers} = ${raw}), Wahrscheinlichkeit, die Gesamtrate ${overall} zu übertreffen: ${probability}.`,
  notRanked: (threshold, list) => ` Nicht eingestuft (weniger als ${threshold} Angebote): ${list}.`,
  channelTitle: (best, worst) => `Größte Lücke zwischen Kanälen: ${best} ggü. ${worst}`,
  channelText: (best, bestRate, worst, worstRate, difference) => `${best} konvertiert mit ${bestRate}, ${worst} mit ${worstRate}: ${difference}.`,
  outOfControlTitle: (period, side) => `${period} liegt ${SIDE[side]} seinen Kontrollgrenzen`,
  outOfControlText: (period, rate, side, limit, chart, alarm) =>
    `Der letzte abgeschlossene Monat (${period}, ${rate}) liegt ${SIDE[side]} der ${side === 'below' ? 'unteren' : 'oberen'} Kontrollgrenze ${limit} der ${chart}${alarm ? '' : ' — ein Anstieg, bei dem diese Prüfung keinen Alarm gibt'}.`,
  runTitle: (side) => `Eine Serie von Monaten ${SIDE[side]} der Mittellinie`,
  runText: (period, side, centre) => `${period} gehört zu einer Serie von mindestens 8 abgeschlossenen Monaten ${SIDE[side]} der Mittellinie ${centre}: eine anhaltende Verschiebung.`,
  periodTitle: (period, drop, previous) => `${period} ${drop ? 'gesunken' : 'gestiegen'} gegenüber ${previous}`,
  periodText: (period, previous, difference) => `Der letzte abgeschlossene Monat ${period} gegenüber ${previous}: ${difference}.`,
  trendTitle: (direction) => `Die Konversion ${direction === 'rising' ? 'steigt' : 'fällt'}`,
  trendText: (periods, from, to, direction, slope, p, seasonal) =>
    `Über die letzten ${periods} abgeschlossenen Monate (${from} bis ${to}) ${direction === 'rising' ? 'steigt' : 'fällt'} die Rate um ${slope} pro Monat (${p}${seasonal ? '; die Saison ist berücksichtigt' : ''}).`,
};

export const GERMAN_STATISTICS: StatisticsWords = {
  periods: (n, grain) => `${n} ${unitOf(grain, n)}`,
  unit: (grain) => UNIT[grain][0],

  trendFlat: (n, grain, p) => `Kein signifikanter Trend über die letzten ${n} abgeschlossenen ${unitOf(grain, n)} (${p}).`,
  trendMoving: (direction, points, grain, n, p) =>
    `Die Rate ${direction === 'rising' ? 'steigt' : 'fällt'} um ${points} ${PER[grain]} über die letzten ${n} abgeschlossenen ${unitOf(grain, n)} (${p}).`,
  noDirection: (note) => (note ? `Keine Trendrichtung — ${note}` : 'Keine Trendrichtung.'),
  trendNote(note) {
    switch (note.kind) {
      case 'too-few':
        return `dafür braucht es mindestens drei ${unitOf(note.grain, 3)} mit Angeboten.`;
      case 'same-rate':
        return `jede ${unitOf(note.grain, 1)} hat dieselbe Rate (${note.rate}): kein Trend.`;
      case 'no-df':
        return `${note.periods} ${unitOf(note.grain, note.periods)} mit Angeboten lassen keine Freiheitsgrade für ${note.parameters} Parameter.`;
      case 'not-fitted':
        return 'das Modell ließ sich nicht anpassen (eine Saison oder das ganze Fenster ohne angenommene oder ohne abgelehnte Angebote).';
      case 'season-short':
        return `weniger als ${note.periods} ${unitOf(note.grain, note.periods)}: eine saisonale Schwankung lässt sich nicht von einem Trend unterscheiden.`;
      case 'season-no-dates':
        return 'die Anfangsdaten der Perioden fehlen, daher keine Saisonterme: eine saisonale Schwankung lässt sich nicht von einem Trend unterscheiden.';
      default:
        return 'aus diesen Daten lässt sich keine Richtung ablesen.';
    }
  },
  trendTest(test, note) {
    switch (test.kind) {
      case 'fitted':
        return (
          `Trendtest: Steigung einer logistischen Regression auf die Zeit${test.seasonal && test.grain ? ` mit ${SEASON[test.grain]}termen` : ''} über die letzten ${test.periods} ${unitOf(test.grain, test.periods)} ` +
          `(${test.seasonal ? 'saisonales ' : ''}quasi-binomiales GLM, Dispersion ${test.dispersion} aus den Daten geschätzt${test.floored ? ', auf 1 angehoben' : ''}), t-Test${test.df === null ? '' : ` mit ${test.df} Freiheitsgraden`}.`
        );
      case 'not-run':
        return `Trendtest: logistischer Trend über die letzten ${test.periods} ${unitOf(test.grain, test.periods)} (quasi-binomiales GLM, t-Test der Steigung): nicht durchgeführt, ${note}`;
      case 'not-needed':
        return `Trendtest: logistischer Trend über die letzten ${test.periods} ${unitOf(test.grain, test.periods)} (quasi-binomiales GLM): nicht nötig, ${note}`;
      default:
        return `Trendtest: ${test.seasonal ? 'saisonales ' : ''}quasi-binomiales GLM, t-Test der Steigung.`;
    }
  },

  chartName: (kind) => (kind === 'laney' ? 'Laney-p′-Karte' : 'p-Karte'),
  controlChart: (name, why, note) => [`Regelkarte: ${name}${why ?? ''}.`, note ?? ''].filter(Boolean).join(' '),
  chartChoice: (laney, e) =>
    e === null
      ? ', gewählt, weil weniger als zwei Perioden Angebote haben: nichts zu testen, Grenzen der p-Karte'
      : laney
        ? `, gewählt, weil die Perioden stärker schwanken als der Zufall (χ² = ${e.statistic}, FG ${e.df}, ${e.p}; σz = ${e.sigmaZ}): Grenzen nach Laney p′`
        : `, gewählt, weil die Perioden nicht stärker schwanken als der Zufall (χ² = ${e.statistic}, FG ${e.df}, ${e.p}): Grenzen der p-Karte`,
  widened: (sigmaZ) => ` (Grenzen um σz = ${sigmaZ} erweitert)`,
  chartNote: (note) =>
    note.kind === 'few'
      ? 'Weniger als zwei Perioden mit einem z-Wert: σz = 1 (Grenzen der p-Karte).'
      : note.kind === 'shift'
        ? `σz ${note.sigmaZ} < 1 (eher eine Verschiebung als Streuung): bei 1 belassen, also die Grenzen der p-Karte.`
        : '',
  outside: (periods) => `${periods.length} ${periods.length === 1 ? 'Periode liegt' : 'Perioden liegen'} außerhalb der Kontrollgrenzen: ${periods.join(', ')}.`,
  side: (side) => (side === 'above' ? 'darüber' : 'darunter'),
  everyInside: 'Jede abgeschlossene Periode liegt innerhalb der Kontrollgrenzen.',

  semicolon: '; ',
  soFar: (period, rate) => `${period}: bisher ${rate}, noch offen`,
  pendingShare: (share) => `(${share} der Angebote noch offen)`,
  provisionalCharted: 'Vorläufige Perioden sind in der Karte und in den Alarmen enthalten.',
  provisionalKeptOut: (n) => `${n === 1 ? 'Sie bleibt' : 'Sie bleiben'} bei den Kontrollgrenzen und Alarmen außen vor.`,
  projection: (rate, level, interval, pending, n) => `erwartete Endrate ${rate} (${level}-Intervall ${interval}), ${pending} ${n === 1 ? 'Angebot' : 'Angebote'} noch offen`,
  basis(b) {
    if (b.kind === 'nothing-pending') {
      return `Nichts ist mehr offen — jedes Angebot wurde angenommen oder abgelehnt oder sein Fenster ist geschlossen —, daher ist die Endrate die aktuelle, und die ${b.window}-Tage-Annahmekurve von ${b.earlier} früheren Angeboten wird nicht gebraucht.`;
    }
    if (b.kind === 'projected') {
      const unseen = b.lastWatched === null ? '' : `, unter der Annahme, dass nach Tag ${b.lastWatched} (dem letzten beobachteten Tag früherer Angebote) nichts mehr angenommen wird`;
      return (
        `Hochgerechnet aus der Annahme von ${b.earlier} früheren ${b.earlierCount === 1 ? 'Angebot' : 'Angeboten'} über das ${b.window}-Tage-Fenster (Kaplan-Meier, noch offene Angebote bei ihrem Alter zensiert): ` +
        `${b.pendingCount === 1 ? 'das offene Angebot bringt' : `die ${b.pending} offenen Angebote bringen`} voraussichtlich ${b.adds} weitere Annahmen${unseen}.`
      );
    }
    return 'Hochgerechnet mit der Kaplan-Meier-Annahmekurve früherer Angebote.';
  },
  provisionalNote: (share, days, projection) =>
    `Vorläufig: ${share} der Angebote dieses Monats sind noch in ${days === null ? 'ihrem Konversionsfenster' : `ihrem ${days}-Tage-Fenster`}, die Rate kann also noch steigen${projection ? `; ${projection}` : ''}.`,

  notJudged: 'nicht bewertet: noch offen',
  verdict: (significant, p, adjusted) => `${significant ? 'signifikant' : 'nicht signifikant'} (${adjusted ? p.replace(/^p\b/, 'adjustiertes p') : p})`,
  change: (points, against, verdict) => `${points ? `${points} ` : ''}ggü. ${against}: ${verdict}`,
  sameLastYear: (name, grain) => `${name} (${grain === 'month' ? 'Vorjahresmonat' : grain === 'quarter' ? 'Vorjahresquartal' : grain === 'week' ? 'Vorjahreswoche' : 'Vorjahreszeitraum'})`,
  changeSentence: (period, changes) => `${period} ${changes.join('; ')}.`,
  notJudgedSentence: (period, against) => `${period} ${against.map((a) => `ggü. ${a}`).join(' und ')}: nicht bewertet: noch offen.`,
  family: (members, grain, method) =>
    `Die adjustierten p-Werte berücksichtigen, dass ${members} Veränderungen von ${UNIT[grain][0]} zu ${UNIT[grain][0]} gemeinsam getestet wurden (${method}).`,

  clustering: (effect, upTo) => `Die Intervalle berücksichtigen wiederholte Angebote an denselben Kunden (Designeffekt ${upTo ? `bis zu ${effect}` : effect}).`,
  trendKey: (grain, level, limits, provisional, projected) =>
    [
      `${ADJECTIVE[grain]} Konversionsrate mit ihrem ${level}-Intervall (schattiert)${limits ? ` und den Grenzen der ${limits} (graue Striche)` : ''}.`,
      provisional
        ? `Vorläufige Perioden sind grau hinterlegt: Der hohle Punkt ist die bisherige Rate, die noch steigen wird${projected ? '; die blauen Striche führen zur erwarteten Endrate, ihr Intervall ist das hellere Band' : ''}.`
        : '',
    ]
      .filter(Boolean)
      .join(' '),
  oneSegment: 'Nur ein Segment hat in dieser Auswahl Angebote.',
  notEnoughToCompare: 'Zu wenige Angebote, um Segmente zu vergleichen.',
  segmentsDiffer: (statistic, p) => `Die Segmente unterscheiden sich (χ² = ${statistic}, ${p}).`,
  noSegmentDifference: (p) => `Kein signifikanter Unterschied zwischen den Segmenten (${p}).`,
  markers: (correction, size) => ` ▲ über / ▼ unter dem Rest nach ${correction}-Korrektur über ${size} Vergleiche.`,
  bandTitle: (b) =>
    b.kind === 'none'
      ? 'Keine Angebote in dieser Auswahl'
      : b.kind === 'spans'
        ? `Das Intervall ${b.interval} reicht über ${listed(b.bands, 'und')}`
        : `Das ganze Intervall liegt im Bereich „${b.band}“ (${b.names[0]} < ${b.poor} ≤ ${b.names[1]} ≤ ${b.strong} < ${b.names[2]})`,
  method: (m) =>
    [
      'Raten sind Annahmen ÷ Angebote (ein Verhältnis von Summen)',
      `Intervalle sind ${m.level}-Intervalle nach ${m.interval} (exakt unter 30 effektiven Angeboten)${m.customers ? ' und berücksichtigen wiederholte Angebote an denselben Kunden' : ''}`,
      m.segments ? 'Segmentunterschiede sind Tests zweier Anteile gegen den Rest, korrigiert für Mehrfachvergleiche' : '',
      m.leaderboard ? 'die Rangliste ordnet nach empirisch-bayesianisch geschrumpften Raten' : '',
    ]
      .filter(Boolean)
      .join('; ') + `.${m.benchmarks ? ` Vergleichswerte: ${m.benchmarks}.` : ''}`,
  noBenchmarks: 'keine für diese Kunden',
  via: (citation) => ` (über ${citation})`,

  testName(t) {
    switch (t.kind) {
      case 'z':
        return 'gepoolter z-Test für zwei Anteile';
      case 'fisher':
        return 'exakter Test nach Fisher';
      case 'score':
        return 'Score-Test gegen den Vergleichswert';
      case 'run':
        return 'Serienregel (8 in Folge auf einer Seite)';
      case 'glm':
        return 'quasi-binomiales GLM';
      case 'seasonal-glm':
        return 'saisonales quasi-binomiales GLM';
      case 'bayes':
        return `empirisch-bayesianische Beta(${t.alpha}, ${t.beta})-A-posteriori-Verteilung`;
      case 'chart':
        return `${t.chart === 'laney' ? 'Laney-p′-Karte' : 'p-Karte'}${t.sigmas && t.periods !== null ? ` (${t.sigmas}σ-Grenzen, ${t.periods} ${unitOf(t.grain, t.periods)})` : ''}`;
      default:
        return 'statistischer Test';
    }
  },
  adjusted: (p) => p.replace(/^p\b/, 'adjustiertes p'),
  rate: (rate, level, interval, accepted, offers) => `${rate} (${level}-Intervall ${interval}, ${accepted} von ${offers} Angeboten)`,
  difference: (points, level, lower, upper) => `${points} (${level}-Intervall ${lower} bis ${upper})`,
  finding: FINDING,
};
