/**
 * The report's words in English, German and French: headings, labels, table headers, band and
 * change words, tiles, the leaderboard's note, the footer and the emailed summary. Chosen by the
 * locale's language (`de-DE`, `de-AT` → German; `fr-FR`, `fr-CA` → French; anything else →
 * English). Pure data and small functions, shared by the HTML and Markdown report and the emailed
 * report (src/reports-delivery).
 *
 * The longer statistical explanations (trend test, control chart, projections, changes) and the
 * findings are put together from the API's structured fields in the language's phrases
 * (`statistics`, statistics-words.ts); in English they are wording.ts's sentences and the API's text.
 *
 *   messagesFor('de-DE').sections.trend   // "Verlauf"
 */
import { GERMAN_STATISTICS } from './statistics-words-de.js';
import { FRENCH_STATISTICS } from './statistics-words-fr.js';
import type { StatisticsWords } from './statistics-words.js';

export type Language = 'en' | 'de' | 'fr';

type Band = 'strong' | 'moderate' | 'poor';

export interface Messages {
  readonly language: Language;
  readonly heading: { readonly offerTypes: string; readonly offers: string };
  readonly sections: { readonly headline: string; readonly trend: string; readonly bySegment: string; readonly leaderboard: string; readonly standsOut: string; readonly timeToAccept: string; readonly segmentsOverTime: string };
  /** The word after a number of percentage points: "+1.2 points", "+1,2 Prozentpunkte". */
  readonly points: string;
  /** "95% interval" → `${level} ${interval}`. */
  readonly interval: string;
  readonly conversionRate: string;
  readonly band: Readonly<Record<Band, string>> & { readonly noOffers: string; between(a: Band, b: Band): string };
  acceptedLine(accepted: string, offers: string, windowDays: number | null): string;
  readonly change: {
    previousMonth(name: string): string;
    readonly vs: string;
    readonly significant: string;
    readonly notSignificant: string;
    readonly notJudged: string;
    readonly noEarlier: string;
    readonly change: string;
  };
  readonly tiles: {
    /** "3 of 10" in a table cell. */
    of(part: string, whole: string): string;
    readonly offers: string;
    readonly accepted: string;
    readonly revenue: string;
    readonly customers: string;
    pending(n: string): string;
    readonly nonePending: string;
    readonly pendingNotTracked: string;
    withinWindow(days: number | null): string;
    ofOffers(rate: string): string;
    readonly noOffers: string;
    perAccepted(money: string): string;
    readonly noAccepted: string;
    customersOffered(converted: string, offered: string): string;
  };
  readonly meta: { readonly upsellCrossSell: string; readonly allOffers: string; offersOfType(type: 'upsell' | 'cross_sell'): string; asOf(when: string): string; window(days: number | null): string };
  readonly standing: { customers(industry: string): string; readonly versus: string; readonly above: string; readonly below: string; readonly inLine: string; readonly withinReach: string; readonly target: string; readonly benchmarks: string };
  readonly trendTable: {
    readonly period: string;
    readonly rate: string;
    readonly accepted: string;
    readonly limits: string;
    readonly signal: string;
    readonly projected: string;
    vsPrevious(grain: string): string;
    vsLastYear(grain: string): string;
    soFar(rate: string): string;
    outOfControl(side: 'above' | 'below'): string;
    readonly runOf8: string;
    provisional(open: string): string;
    pending(n: string): string;
  };
  /** The chart's legend and labels (the report's SVG; the dashboard's are English). */
  readonly chart: {
    interval(level: string): string;
    limits(kind: 'p' | 'laney', sigmas: string): string;
    readonly centre: string;
    readonly rate: string;
    readonly projected: string;
    readonly provisional: string;
    readonly outOfControl: string;
    readonly run: string;
    projectedAt(rate: string): string;
    provisionalOpen(open: string | null): string;
    readonly noOffers: string;
    all(rate: string): string;
    target(rate: string): string;
    bullet(rate: string, interval: string, poor: string, strong: string): string;
    readonly notRecorded: string;
  };
  /** Cumulative acceptance by days since the offer (GET /api/v1/time-to-accept). */
  readonly timeToAccept: { day(n: number): string; readonly windowEnd: string; readonly open: string; intro(days: number, by: string): string; omitted(segments: number, offers: string): string; readonly none: string };
  /** Segments' monthly rates (GET /api/v1/timeseries?by=). */
  readonly segmentsOverTime: { intro(by: string, months: number): string; readonly overall: string; readonly none: string; readonly provisional: string };
  readonly segments: { readonly segment: string; readonly vsRest: string; readonly smallSample: string };
  readonly leaderboard: {
    readonly rank: string;
    readonly offer: string;
    readonly shrunken: string;
    readonly raw: string;
    readonly beats: string;
    readonly notRecorded: string;
    note(overall: string, strength: string, threshold: number): string;
  };
  readonly insights: { readonly nothing: string; more(n: number): string; readonly inDashboard: string; readonly severity: Readonly<Record<'critical' | 'warning' | 'info', string>> };
  madeBy(tool: string, day: string): string;
  /** The statistical explanations and findings in this language; null in English (wording.ts and the API's own text). */
  readonly statistics: StatisticsWords | null;
  readonly summary: { readonly previousMonth: string; readonly sameMonthLastYear: string; readonly nothingToCompare: string; readonly open: string; readonly fullReport: string; readonly noOffers: string; stillPending(n: string): string };
}

const EN: Messages = {
  language: 'en',
  heading: { offerTypes: 'Upsell & cross-sell conversion', offers: 'Offer conversion' },
  sections: { headline: 'Headline', trend: 'Trend', bySegment: 'By segment', leaderboard: 'Offer leaderboard', standsOut: 'What stands out', timeToAccept: 'Time to accept', segmentsOverTime: 'Segments over time' },
  points: 'points',
  interval: 'interval',
  conversionRate: 'Conversion rate',
  band: { strong: 'strong', moderate: 'moderate', poor: 'poor', noOffers: 'no offers', between: (a, b) => `between ${EN_BAND[a]} and ${EN_BAND[b]}` },
  acceptedLine: (accepted, offers, days) => `${accepted} of ${offers} offers accepted${days === null ? '' : ` within ${days} days`}`,
  change: {
    previousMonth: (name) => `the previous month, ${name}`,
    vs: 'vs',
    significant: 'significant',
    notSignificant: 'not significant',
    notJudged: 'not judged: still filling in',
    noEarlier: 'No earlier offers to compare with.',
    change: 'Change',
  },
  tiles: {
    of: (a, b) => `${a} of ${b}`,
    offers: 'Offers',
    accepted: 'Accepted',
    revenue: 'Expansion revenue',
    customers: 'Customer conversion',
    pending: (n) => `${n} still pending`,
    nonePending: 'none pending',
    pendingNotTracked: 'pending not tracked',
    withinWindow: (d) => `within the ${d}-day window`,
    ofOffers: (r) => `${r} of offers`,
    noOffers: 'no offers',
    perAccepted: (m) => `${m} per accepted offer`,
    noAccepted: 'no accepted offers',
    customersOffered: (c, o) => `${c} of ${o} customers offered`,
  },
  meta: {
    upsellCrossSell: 'upsell and cross-sell offers',
    allOffers: 'all offers',
    offersOfType: (t) => `${t.replace('_', '-')} offers`,
    asOf: (w) => `as of ${w} UTC`,
    window: (d) => `conversion window ${d} days`,
  },
  standing: { customers: (i) => `${i} customers`, versus: 'vs', above: 'above', below: 'below', inLine: 'in line', withinReach: 'within reach', target: 'Target', benchmarks: 'Benchmarks' },
  trendTable: {
    period: 'Month',
    rate: 'Rate',
    accepted: 'Accepted / offers',
    limits: 'Control limits',
    signal: 'Signal',
    projected: 'Projected final rate',
    vsPrevious: (g) => `vs previous ${g}`,
    vsLastYear: (g) => `vs same ${g} last year`,
    soFar: (r) => `${r} so far`,
    outOfControl: (side) => `out of control (${side})`,
    runOf8: 'run of 8',
    provisional: (open) => `provisional (${open} open)`,
    pending: (n) => `${n} pending`,
  },
  chart: {
    interval: (level) => `${level} interval`,
    limits: (kind, sigmas) => `${kind === 'laney' ? 'Laney p′ limits' : 'Control limits'} (${sigmas}σ)`,
    centre: 'Centre line',
    rate: 'Conversion rate',
    projected: 'Projected final rate',
    provisional: 'Provisional',
    outOfControl: 'Out of control',
    run: 'Run of 8 on one side',
    projectedAt: (r) => `projected ${r}`,
    provisionalOpen: (open) => (open === null ? 'provisional' : `provisional\n${open} open`),
    noOffers: 'no offers',
    all: (r) => `all ${r}`,
    target: (r) => `target ${r}`,
    bullet: (rate, interval, poor, strong) => `Conversion rate ${rate}, interval ${interval}; poor below ${poor}, strong above ${strong}`,
    notRecorded: 'not recorded',
  },
  timeToAccept: {
    day: (n) => `Day ${n}`,
    windowEnd: 'window end',
    open: 'Still open',
    intro: (days, by) => `Share of offers accepted within so many days of being made, by ${by}, over the ${days}-day window (Kaplan–Meier: offers still open count while they were followed), with intervals.`,
    omitted: (n, offers) => `${n} more segments (${offers} offers) are left out.`,
    none: 'No offers to follow in this month.',
  },
  segmentsOverTime: {
    intro: (by, months) => `Monthly conversion rate of the segments of ${by} with the most offers, over ${months} months.`,
    overall: 'All offers',
    none: 'No segments with offers over these months.',
    provisional: '* still filling in: the rate can still rise',
  },
  segments: { segment: 'Segment', vsRest: 'vs rest', smallSample: 'small sample' },
  leaderboard: {
    rank: '#',
    offer: 'Offer',
    shrunken: 'Shrunken rate',
    raw: 'Raw rate',
    beats: 'Beats overall',
    notRecorded: 'not recorded',
    note: (overall, strength, threshold) =>
      `Ranked by the shrunken rate: each offer's rate pulled towards the overall ${overall} by a prior worth ${strength} offers, so tiny samples do not top the list; offers with fewer than ${threshold} offers are flagged and ranked last.`,
  },
  insights: {
    nothing: 'Nothing stands out: no segment, offer or period differs significantly this month.',
    more: (n) => `${n} more findings`,
    inDashboard: 'in the dashboard',
    severity: { critical: 'critical', warning: 'warning', info: 'info' },
  },
  madeBy: (tool, day) => `Made by ${tool} on ${day}.`,
  statistics: null,
  summary: {
    previousMonth: 'Previous month',
    sameMonthLastYear: 'Same month last year',
    nothingToCompare: 'no offers to compare with',
    open: 'Open in uprate',
    fullReport: 'The full report, with the trend, segments and findings, is the HTML part of this email.',
    noOffers: 'no offers this month',
    stillPending: (n) => `${n} still pending: the rate can still rise`,
  },
};

const EN_BAND: Readonly<Record<Band, string>> = { strong: 'strong', moderate: 'moderate', poor: 'poor' };
const DE_BAND: Readonly<Record<Band, string>> = { strong: 'stark', moderate: 'mittel', poor: 'schwach' };
const FR_BAND: Readonly<Record<Band, string>> = { strong: 'fort', moderate: 'moyen', poor: 'faible' };

const DE: Messages = {
  language: 'de',
  heading: { offerTypes: 'Upsell- & Cross-Sell-Konversion', offers: 'Angebotskonversion' },
  sections: { headline: 'Überblick', trend: 'Verlauf', bySegment: 'Nach Segment', leaderboard: 'Angebotsrangliste', standsOut: 'Was auffällt', timeToAccept: 'Zeit bis zur Annahme', segmentsOverTime: 'Segmente im Zeitverlauf' },
  points: 'Prozentpunkte',
  interval: 'Intervall',
  conversionRate: 'Konversionsrate',
  band: { ...DE_BAND, noOffers: 'keine Angebote', between: (a, b) => `zwischen ${DE_BAND[a]} und ${DE_BAND[b]}` },
  acceptedLine: (accepted, offers, days) => `${accepted} von ${offers} Angeboten angenommen${days === null ? '' : ` innerhalb von ${days} Tagen`}`,
  change: {
    previousMonth: (name) => `dem Vormonat, ${name}`,
    vs: 'ggü.',
    significant: 'signifikant',
    notSignificant: 'nicht signifikant',
    notJudged: 'nicht bewertet: noch offen',
    noEarlier: 'Keine früheren Angebote zum Vergleich.',
    change: 'Veränderung',
  },
  tiles: {
    of: (a, b) => `${a} von ${b}`,
    offers: 'Angebote',
    accepted: 'Angenommen',
    revenue: 'Expansionsumsatz',
    customers: 'Kundenkonversion',
    pending: (n) => `${n} noch offen`,
    nonePending: 'keine offen',
    pendingNotTracked: 'offene nicht erfasst',
    withinWindow: (d) => `innerhalb des ${d}-Tage-Fensters`,
    ofOffers: (r) => `${r} der Angebote`,
    noOffers: 'keine Angebote',
    perAccepted: (m) => `${m} je angenommenem Angebot`,
    noAccepted: 'keine angenommenen Angebote',
    customersOffered: (c, o) => `${c} von ${o} Kunden mit Angebot`,
  },
  meta: {
    upsellCrossSell: 'Upsell- und Cross-Sell-Angebote',
    allOffers: 'alle Angebote',
    offersOfType: (t) => (t === 'upsell' ? 'Upsell-Angebote' : 'Cross-Sell-Angebote'),
    asOf: (w) => `Stand ${w} UTC`,
    window: (d) => `Konversionsfenster ${d} Tage`,
  },
  standing: { customers: (i) => `Kunden aus ${i}`, versus: 'ggü.', above: 'darüber', below: 'darunter', inLine: 'im Rahmen', withinReach: 'in Reichweite', target: 'Ziel', benchmarks: 'Vergleichswerte' },
  trendTable: {
    period: 'Monat',
    rate: 'Rate',
    accepted: 'Angenommen / Angebote',
    limits: 'Kontrollgrenzen',
    signal: 'Signal',
    projected: 'Erwartete Endrate',
    vsPrevious: () => 'ggü. Vorperiode',
    vsLastYear: () => 'ggü. Vorjahresperiode',
    soFar: (r) => `${r} bisher`,
    outOfControl: (side) => `außer Kontrolle (${side === 'above' ? 'darüber' : 'darunter'})`,
    runOf8: 'Serie von 8',
    provisional: (open) => `vorläufig (${open} offen)`,
    pending: (n) => `${n} offen`,
  },
  chart: {
    interval: (level) => `${level}-Intervall`,
    limits: (kind, sigmas) => `${kind === 'laney' ? 'Laney-p′-Grenzen' : 'Kontrollgrenzen'} (${sigmas}σ)`,
    centre: 'Mittellinie',
    rate: 'Konversionsrate',
    projected: 'Erwartete Endrate',
    provisional: 'Vorläufig',
    outOfControl: 'Außer Kontrolle',
    run: 'Serie von 8 auf einer Seite',
    projectedAt: (r) => `erwartet ${r}`,
    provisionalOpen: (open) => (open === null ? 'vorläufig' : `vorläufig\n${open} offen`),
    noOffers: 'keine Angebote',
    all: (r) => `alle ${r}`,
    target: (r) => `Ziel ${r}`,
    bullet: (rate, interval, poor, strong) => `Konversionsrate ${rate}, Intervall ${interval}; schwach unter ${poor}, stark über ${strong}`,
    notRecorded: 'nicht erfasst',
  },
  timeToAccept: {
    day: (n) => `Tag ${n}`,
    windowEnd: 'Fensterende',
    open: 'Noch offen',
    intro: (days, by) => `Anteil der Angebote, die innerhalb so vieler Tage nach dem Angebot angenommen wurden, nach ${by}, über das ${days}-Tage-Fenster (Kaplan-Meier: noch offene Angebote zählen, solange sie beobachtet wurden), mit Intervall.`,
    omitted: (n, offers) => `${n} weitere Segmente (${offers} Angebote) sind nicht aufgeführt.`,
    none: 'Keine Angebote in diesem Monat.',
  },
  segmentsOverTime: {
    intro: (by, months) => `Monatliche Konversionsrate der Segmente von ${by} mit den meisten Angeboten, über ${months} Monate.`,
    overall: 'Alle Angebote',
    none: 'Keine Segmente mit Angeboten in diesen Monaten.',
    provisional: '* noch offen: die Rate kann noch steigen',
  },
  segments: { segment: 'Segment', vsRest: 'ggü. Rest', smallSample: 'kleine Stichprobe' },
  leaderboard: {
    rank: 'Nr.',
    offer: 'Angebot',
    shrunken: 'Geschrumpfte Rate',
    raw: 'Rohe Rate',
    beats: 'Schlägt Gesamt',
    notRecorded: 'nicht erfasst',
    note: (overall, strength, threshold) =>
      `Sortiert nach der geschrumpften Rate: Die Rate jedes Angebots wird mit einem Vorwissen im Wert von ${strength} Angeboten zur Gesamtrate ${overall} gezogen, damit winzige Stichproben nicht oben stehen; Angebote mit weniger als ${threshold} Angeboten sind markiert und stehen am Ende.`,
  },
  insights: {
    nothing: 'Nichts fällt auf: Kein Segment, Angebot oder Zeitraum weicht in diesem Monat signifikant ab.',
    more: (n) => `${n} weitere Befunde`,
    inDashboard: 'im Dashboard',
    severity: { critical: 'kritisch', warning: 'Warnung', info: 'Hinweis' },
  },
  madeBy: (tool, day) => `Erstellt mit ${tool} am ${day}.`,
  statistics: GERMAN_STATISTICS,
  summary: {
    previousMonth: 'Vormonat',
    sameMonthLastYear: 'Vorjahresmonat',
    nothingToCompare: 'keine Angebote zum Vergleich',
    open: 'In uprate öffnen',
    fullReport: 'Der vollständige Bericht mit Verlauf, Segmenten und Befunden ist der HTML-Teil dieser E-Mail.',
    noOffers: 'keine Angebote in diesem Monat',
    stillPending: (n) => `${n} noch offen: die Rate kann noch steigen`,
  },
};

const FR: Messages = {
  language: 'fr',
  heading: { offerTypes: 'Conversion upsell et cross-sell', offers: 'Conversion des offres' },
  sections: { headline: 'En bref', trend: 'Évolution', bySegment: 'Par segment', leaderboard: 'Classement des offres', standsOut: 'Ce qui ressort', timeToAccept: 'Délai d’acceptation', segmentsOverTime: 'Segments dans le temps' },
  points: 'points',
  interval: 'intervalle',
  conversionRate: 'Taux de conversion',
  band: { ...FR_BAND, noOffers: 'aucune offre', between: (a, b) => `entre ${FR_BAND[a]} et ${FR_BAND[b]}` },
  acceptedLine: (accepted, offers, days) => `${accepted} offres acceptées sur ${offers}${days === null ? '' : ` sous ${days} jours`}`,
  change: {
    previousMonth: (name) => `au mois précédent, ${name}`,
    vs: 'par rapport',
    significant: 'significatif',
    notSignificant: 'non significatif',
    notJudged: 'non évalué : encore en cours',
    noEarlier: 'Aucune offre antérieure à comparer.',
    change: 'Variation',
  },
  tiles: {
    of: (a, b) => `${a} sur ${b}`,
    offers: 'Offres',
    accepted: 'Acceptées',
    revenue: 'Revenu d’expansion',
    customers: 'Conversion clients',
    pending: (n) => `${n} encore en attente`,
    nonePending: 'aucune en attente',
    pendingNotTracked: 'attente non suivie',
    withinWindow: (d) => `dans la fenêtre de ${d} jours`,
    ofOffers: (r) => `${r} des offres`,
    noOffers: 'aucune offre',
    perAccepted: (m) => `${m} par offre acceptée`,
    noAccepted: 'aucune offre acceptée',
    customersOffered: (c, o) => `${c} clients sur ${o} sollicités`,
  },
  meta: {
    upsellCrossSell: 'offres upsell et cross-sell',
    allOffers: 'toutes les offres',
    offersOfType: (t) => (t === 'upsell' ? 'offres upsell' : 'offres cross-sell'),
    asOf: (w) => `données au ${w} UTC`,
    window: (d) => `fenêtre de conversion ${d} jours`,
  },
  standing: { customers: (i) => `clients ${i}`, versus: 'contre', above: 'au-dessus', below: 'en dessous', inLine: 'dans la norme', withinReach: 'à portée', target: 'Objectif', benchmarks: 'Références' },
  trendTable: {
    period: 'Mois',
    rate: 'Taux',
    accepted: 'Acceptées / offres',
    limits: 'Limites de contrôle',
    signal: 'Signal',
    projected: 'Taux final projeté',
    vsPrevious: () => 'par rapport à la période précédente',
    vsLastYear: () => 'par rapport à la même période l’an dernier',
    soFar: (r) => `${r} à ce jour`,
    outOfControl: (side) => `hors contrôle (${side === 'above' ? 'au-dessus' : 'en dessous'})`,
    runOf8: 'série de 8',
    provisional: (open) => `provisoire (${open} en attente)`,
    pending: (n) => `${n} en attente`,
  },
  chart: {
    interval: (level) => `intervalle à ${level}`,
    limits: (kind, sigmas) => `${kind === 'laney' ? 'Limites p′ de Laney' : 'Limites de contrôle'} (${sigmas}σ)`,
    centre: 'Ligne centrale',
    rate: 'Taux de conversion',
    projected: 'Taux final projeté',
    provisional: 'Provisoire',
    outOfControl: 'Hors contrôle',
    run: 'Série de 8 du même côté',
    projectedAt: (r) => `projeté ${r}`,
    provisionalOpen: (open) => (open === null ? 'provisoire' : `provisoire\n${open} en attente`),
    noOffers: 'aucune offre',
    all: (r) => `ensemble ${r}`,
    target: (r) => `objectif ${r}`,
    bullet: (rate, interval, poor, strong) => `Taux de conversion ${rate}, intervalle ${interval} ; faible sous ${poor}, fort au-dessus de ${strong}`,
    notRecorded: 'non renseigné',
  },
  timeToAccept: {
    day: (n) => `Jour ${n}`,
    windowEnd: 'fin de fenêtre',
    open: 'Encore ouvertes',
    intro: (days, by) => `Part des offres acceptées dans un délai donné après l’offre, par ${by}, sur la fenêtre de ${days} jours (Kaplan-Meier : les offres encore ouvertes comptent tant qu’elles ont été suivies), avec intervalle.`,
    omitted: (n, offers) => `${n} autres segments (${offers} offres) ne sont pas affichés.`,
    none: 'Aucune offre à suivre ce mois-ci.',
  },
  segmentsOverTime: {
    intro: (by, months) => `Taux de conversion mensuel des segments de ${by} ayant le plus d’offres, sur ${months} mois.`,
    overall: 'Toutes les offres',
    none: 'Aucun segment avec des offres sur ces mois.',
    provisional: '* encore en cours : le taux peut encore augmenter',
  },
  segments: { segment: 'Segment', vsRest: 'par rapport au reste', smallSample: 'petit échantillon' },
  leaderboard: {
    rank: 'N°',
    offer: 'Offre',
    shrunken: 'Taux rétréci',
    raw: 'Taux brut',
    beats: 'Bat l’ensemble',
    notRecorded: 'non renseignée',
    note: (overall, strength, threshold) =>
      `Classement par taux rétréci : le taux de chaque offre est rapproché du taux global de ${overall} par un a priori valant ${strength} offres, pour que les petits échantillons ne soient pas en tête ; les offres avec moins de ${threshold} envois sont signalées et classées en dernier.`,
  },
  insights: {
    nothing: 'Rien ne ressort : aucun segment, aucune offre ni période ne diffère significativement ce mois-ci.',
    more: (n) => `${n} autres constats`,
    inDashboard: 'dans le tableau de bord',
    severity: { critical: 'critique', warning: 'attention', info: 'info' },
  },
  madeBy: (tool, day) => `Produit par ${tool} le ${day}.`,
  statistics: FRENCH_STATISTICS,
  summary: {
    previousMonth: 'Mois précédent',
    sameMonthLastYear: 'Même mois l’an dernier',
    nothingToCompare: 'aucune offre à comparer',
    open: 'Ouvrir dans uprate',
    fullReport: 'Le rapport complet, avec l’évolution, les segments et les constats, est la partie HTML de cet e-mail.',
    noOffers: 'aucune offre ce mois-ci',
    stillPending: (n) => `${n} encore en attente : le taux peut encore augmenter`,
  },
};

const CATALOGUE: Readonly<Record<Language, Messages>> = { en: EN, de: DE, fr: FR };

/** English: the words of the dashboard, and of a report in any language without a catalogue. */
export const ENGLISH: Messages = EN;

/** The languages with a catalogue, for help texts: "de, en, fr". */
export const LANGUAGES: readonly Language[] = ['en', 'de', 'fr'];

/** The words for a BCP 47 locale: its language's catalogue, else English. */
export function messagesFor(locale: string): Messages {
  const language = locale.toLowerCase().split(/[-_]/)[0] ?? 'en';
  return (CATALOGUE as Readonly<Record<string, Messages>>)[language] ?? EN;
}
