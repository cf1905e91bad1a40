/** The statistical explanations and the findings in French (see statistics-words.ts). */
import type { FindingWords, GrainWord, StatisticsWords } from './statistics-words.js';

const UNIT: Readonly<Record<GrainWord, readonly [string, string]>> = {
  day: ['jour', 'jours'],
  week: ['semaine', 'semaines'],
  month: ['mois', 'mois'],
  quarter: ['trimestre', 'trimestres'],
  year: ['année', 'années'],
};
const unitOf = (grain: GrainWord | null, n: number) => (grain ? UNIT[grain][n === 1 ? 0 : 1] : n === 1 ? 'période' : 'périodes');
/** "complets" / "complètes": the agreement of the unit. */
const complete = (grain: GrainWord | null, n: number) => (grain === 'week' || grain === 'year' || grain === null ? (n === 1 ? 'complète' : 'complètes') : n === 1 ? 'complet' : 'complets');
const ADJECTIVE: Readonly<Record<GrainWord, string>> = { day: 'quotidien', week: 'hebdomadaire', month: 'mensuel', quarter: 'trimestriel', year: 'annuel' };
const PER: Readonly<Record<GrainWord, string>> = { day: 'par jour', week: 'par semaine', month: 'par mois', quarter: 'par trimestre', year: 'par an' };
const SIDE = { above: 'au-dessus', below: 'en dessous' } as const;
const listed = (xs: readonly string[], and: string) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} ${and} ${xs.at(-1) ?? ''}`);

const FINDING: FindingWords = {
  bandTitle: (band) => (band === null ? 'Niveau : pas encore déterminé' : `Niveau : ${band}`),
  bandText: (rate, band, reason) => `Le taux de conversion est de ${rate}. ${band === null ? `Son niveau ne peut pas être nommé : ${reason ?? 'l’intervalle chevauche deux niveaux'}.` : `Tout l’intervalle se situe dans le niveau « ${band} ».`}`,
  benchmarkTitle: (industry, standing) =>
    `Les clients ${industry} sont ${standing === 'consistent' ? 'dans la norme de' : standing === 'above' ? 'au-dessus de' : 'en dessous de'} la référence de leur secteur`,
  benchmarkText: (industry, source, benchmark, rate, gap, standing, p) =>
    `Les clients ${industry} (référence ${source} ${benchmark}) convertissent à ${rate}, soit ${gap} par rapport à la référence ; ` +
    (standing === 'consistent' ? 'l’intervalle contient la référence.' : `tout l’intervalle est ${SIDE[standing]} (test du score ${p}).`),
  targetTitle: (standing) => (standing === 'below' ? 'En dessous de l’objectif' : standing === 'above' ? 'Au-dessus de l’objectif' : 'Dans l’objectif (à l’intérieur de l’intervalle)'),
  targetText: (rate, gap, target, standing) =>
    `Le taux ${rate} est à ${gap} de l’objectif ${target} ; ${standing === 'consistent' ? 'l’intervalle contient l’objectif.' : `tout l’intervalle est ${SIDE[standing]}.`}`,
  segmentTitle: (dimension, value, side) => `${dimension} ${value} convertit ${side === 'above' ? 'mieux' : 'moins bien'} que le reste`,
  segmentText: (dimension, value, rate, rest, difference, correction, p) => `${dimension} = ${value} : ${rate} contre ${rest} pour les autres offres — ${difference} ; correction de ${correction}, ${p.replace(/^p\b/, 'p ajusté')}.`,
  offerTitle: (best, offer) => `Offre ${best ? 'la plus' : 'la moins'} convertie : ${offer}`,
  offerText: (offer, shrunken, interval, accepted, offers, raw, overall, probability) =>
    `${offer} : taux rétréci ${shrunken} (intervalle de crédibilité à 95 % ${interval} ; brut ${accepted} sur ${offers} = ${raw}), probabilité de dépasser le taux global de ${overall} : ${probability}.`,
  notRanked: (threshold, list) => ` Non classées (moins de ${threshold} offres) : ${list}.`,
  channelTitle: (best, worst) => `Plus grand écart entre canaux : ${best} contre ${worst}`,
  channelText: (best, bestRate, worst, worstRate, difference) => `${best} convertit à ${bestRate}, ${worst} à ${worstRate} : ${difference}.`,
  outOfControlTitle: (period, side) => `${period} est ${SIDE[side]} de ses limites de contrôle`,
  outOfControlText: (period, rate, side, limit, chart, alarm) =>
    `Le dernier mois complet (${period}, ${rate}) est ${SIDE[side]} de la limite de contrôle ${side === 'below' ? 'inférieure' : 'supérieure'} ${limit} de la ${chart}${alarm ? '' : ' — une hausse, sur laquelle ce contrôle ne donne pas d’alerte'}.`,
  runTitle: (side) => `Une série de mois ${SIDE[side]} de la ligne centrale`,
  runText: (period, side, centre) => `${period} fait partie d’une série d’au moins 8 mois complets ${SIDE[side]} de la ligne centrale ${centre} : un décalage durable.`,
  periodTitle: (period, drop, previous) => `${period} ${drop ? 'en baisse' : 'en hausse'} par rapport à ${previous}`,
  periodText: (period, previous, difference) => `Le dernier mois complet, ${period}, par rapport à ${previous} : ${difference}.`,
  trendTitle: (direction) => `La conversion est en ${direction === 'rising' ? 'hausse' : 'baisse'}`,
  trendText: (periods, from, to, direction, slope, p, seasonal) =>
    `Sur les ${periods} derniers mois complets (${from} à ${to}), le taux ${direction === 'rising' ? 'augmente' : 'baisse'} de ${slope} par mois (${p}${seasonal ? ' ; la saisonnalité est prise en compte' : ''}).`,
};

export const FRENCH_STATISTICS: StatisticsWords = {
  periods: (n, grain) => `${n} ${unitOf(grain, n)}`,
  unit: (grain) => UNIT[grain][0],

  trendFlat: (n, grain, p) => `Aucune tendance significative sur les ${n} ${unitOf(grain, n)} ${complete(grain, n)} les plus récents (${p}).`,
  trendMoving: (direction, points, grain, n, p) =>
    `Le taux ${direction === 'rising' ? 'augmente' : 'baisse'} de ${points} ${PER[grain]} sur les ${n} ${unitOf(grain, n)} ${complete(grain, n)} les plus récents (${p}).`,
  noDirection: (note) => (note ? `Pas de sens de tendance — ${note}` : 'Pas de sens de tendance.'),
  trendNote(note) {
    switch (note.kind) {
      case 'too-few':
        return `il faut au moins trois ${unitOf(note.grain, 3)} avec des offres.`;
      case 'same-rate':
        return `chaque ${unitOf(note.grain, 1)} a le même taux (${note.rate}) : pas de tendance.`;
      case 'no-df':
        return `${note.periods} ${unitOf(note.grain, note.periods)} avec des offres ne laissent aucun degré de liberté pour ${note.parameters} paramètres.`;
      case 'not-fitted':
        return 'le modèle n’a pas pu être ajusté (une saison, ou toute la fenêtre, sans offre acceptée ou sans offre refusée).';
      case 'season-short':
        return `moins de ${note.periods} ${unitOf(note.grain, note.periods)} : une variation saisonnière ne peut pas être distinguée d’une tendance.`;
      case 'season-no-dates':
        return 'les dates de début des périodes manquent, donc pas de termes saisonniers : une variation saisonnière ne peut pas être distinguée d’une tendance.';
      default:
        return 'ces données ne permettent pas de dégager un sens.';
    }
  },
  trendTest(test, note) {
    switch (test.kind) {
      case 'fitted':
        return (
          `Test de tendance : pente d’une régression logistique sur le temps${test.seasonal && test.grain ? ` avec des termes par ${test.grain === 'quarter' ? 'trimestre' : 'mois'} de l’année` : ''} sur les ${test.periods} derniers ${unitOf(test.grain, test.periods)} ` +
          `(GLM quasi-binomial${test.seasonal ? ' saisonnier' : ''}, dispersion ${test.dispersion} estimée à partir des données${test.floored ? ', ramenée à 1' : ''}), test t${test.df === null ? '' : ` à ${test.df} degrés de liberté`}.`
        );
      case 'not-run':
        return `Test de tendance : tendance logistique sur les ${test.periods} derniers ${unitOf(test.grain, test.periods)} (GLM quasi-binomial, test t de la pente) : non effectué, ${note}`;
      case 'not-needed':
        return `Test de tendance : tendance logistique sur les ${test.periods} derniers ${unitOf(test.grain, test.periods)} (GLM quasi-binomial) : inutile, ${note}`;
      default:
        return `Test de tendance : GLM quasi-binomial${test.seasonal ? ' saisonnier' : ''}, test t de la pente.`;
    }
  },

  chartName: (kind) => (kind === 'laney' ? 'carte p′ de Laney' : 'carte p'),
  controlChart: (name, why, note) => [`Carte de contrôle : ${name}${why ?? ''}.`, note ?? ''].filter(Boolean).join(' '),
  chartChoice: (laney, e) =>
    e === null
      ? ', choisie car moins de deux périodes ont des offres : rien à tester, limites de la carte p'
      : laney
        ? `, choisie car les périodes varient plus que le hasard (χ² = ${e.statistic}, ddl ${e.df}, ${e.p} ; σz = ${e.sigmaZ}) : limites p′ de Laney`
        : `, choisie car les périodes ne varient pas plus que le hasard (χ² = ${e.statistic}, ddl ${e.df}, ${e.p}) : limites de la carte p`,
  widened: (sigmaZ) => ` (limites élargies par σz = ${sigmaZ})`,
  chartNote: (note) =>
    note.kind === 'few'
      ? 'Moins de deux périodes avec un score z : σz = 1 (limites de la carte p).'
      : note.kind === 'shift'
        ? `σz ${note.sigmaZ} < 1 (un décalage plutôt qu’une dispersion) : maintenu à 1, soit les limites de la carte p.`
        : '',
  outside: (periods) => `${periods.length} ${periods.length === 1 ? 'période est' : 'périodes sont'} hors des limites de contrôle : ${periods.join(', ')}.`,
  side: (side) => SIDE[side],
  everyInside: 'Chaque période complète est à l’intérieur des limites de contrôle.',

  semicolon: ' ; ',
  soFar: (period, rate) => `${period} : ${rate} à ce jour, encore en cours`,
  pendingShare: (share) => `(${share} des offres en attente)`,
  provisionalCharted: 'Les périodes provisoires figurent sur la carte et dans les alertes.',
  provisionalKeptOut: (n) => `${n === 1 ? 'Elle est tenue' : 'Elles sont tenues'} à l’écart des limites et des alertes.`,
  projection: (rate, level, interval, pending, n) => `taux final projeté ${rate} (intervalle à ${level} ${interval}), ${pending} ${n === 1 ? 'offre encore en attente' : 'offres encore en attente'}`,
  basis(b) {
    if (b.kind === 'nothing-pending') {
      return `Rien n’est en attente — chaque offre a été acceptée ou refusée, ou sa fenêtre est close —, donc le taux final est le taux actuel et la courbe d’acceptation à ${b.window} jours de ${b.earlier} offres antérieures n’est pas nécessaire.`;
    }
    if (b.kind === 'projected') {
      const unseen = b.lastWatched === null ? '' : `, en supposant aucune acceptation après le jour ${b.lastWatched}, dernier jour où une offre antérieure a été suivie`;
      return (
        `Projection fondée sur la manière dont ${b.earlier} ${b.earlierCount === 1 ? 'offre antérieure a été acceptée' : 'offres antérieures ont été acceptées'} sur la fenêtre de ${b.window} jours (Kaplan-Meier, offres encore ouvertes censurées à leur âge) : ` +
        `${b.pendingCount === 1 ? 'l’offre en attente devrait apporter' : `les ${b.pending} offres en attente devraient apporter`} ${b.adds} acceptations supplémentaires${unseen}.`
      );
    }
    return 'Projection fondée sur la courbe d’acceptation de Kaplan-Meier des offres antérieures.';
  },
  provisionalNote: (share, days, projection) =>
    `Provisoire : ${share} des offres de ce mois sont encore dans ${days === null ? 'leur fenêtre de conversion' : `leur fenêtre de ${days} jours`}, le taux peut donc encore augmenter${projection ? ` ; ${projection}` : ''}.`,

  notJudged: 'non évalué : encore en cours',
  verdict: (significant, p, adjusted) => `${significant ? 'significatif' : 'non significatif'} (${adjusted ? p.replace(/^p\b/, 'p ajusté') : p})`,
  change: (points, against, verdict) => `${points ? `${points} ` : ''}par rapport à ${against} : ${verdict}`,
  sameLastYear: (name, grain) => `${name} (${grain === 'week' ? 'même semaine' : grain === 'quarter' ? 'même trimestre' : grain === 'month' ? 'même mois' : 'même période'} l’an dernier)`,
  changeSentence: (period, changes) => `${period} : ${changes.join(' ; ')}.`,
  notJudgedSentence: (period, against) => `${period} par rapport à ${against.join(' et à ')} : non évalué : encore en cours.`,
  family: (members, grain, method) => `Les p ajustés tiennent compte des ${members} variations d’un ${UNIT[grain][0]} à l’autre testées ensemble (${method}).`,

  clustering: (effect, upTo) => `Les intervalles tiennent compte des offres répétées à un même client (effet de plan ${upTo ? `jusqu’à ${effect}` : effect}).`,
  trendKey: (grain, level, limits, provisional, projected) =>
    [
      `Taux de conversion ${ADJECTIVE[grain]} avec son intervalle à ${level} (zone ombrée)${limits ? ` et les limites de la ${limits} (tirets gris)` : ''}.`,
      provisional
        ? `Les périodes provisoires sont ombrées en gris : le point creux est le taux à ce jour, qui va encore augmenter${projected ? ' ; les tirets bleus mènent au taux final projeté, dont l’intervalle est la bande plus claire' : ''}.`
        : '',
    ]
      .filter(Boolean)
      .join(' '),
  oneSegment: 'Un seul segment a des offres dans cette sélection.',
  notEnoughToCompare: 'Pas assez d’offres pour comparer les segments.',
  segmentsDiffer: (statistic, p) => `Les segments diffèrent (χ² = ${statistic}, ${p}).`,
  noSegmentDifference: (p) => `Aucune différence significative entre les segments (${p}).`,
  markers: (correction, size) => ` ▲ au-dessus / ▼ en dessous du reste après correction de ${correction} sur ${size} comparaisons.`,
  bandTitle: (b) =>
    b.kind === 'none'
      ? 'Aucune offre dans cette sélection'
      : b.kind === 'spans'
        ? `L’intervalle ${b.interval} chevauche les niveaux ${listed(b.bands, 'et')}`
        : `Tout l’intervalle se situe dans le niveau « ${b.band} » (${b.names[0]} < ${b.poor} ≤ ${b.names[1]} ≤ ${b.strong} < ${b.names[2]})`,
  method: (m) =>
    [
      'Les taux sont acceptées ÷ offres (un rapport de sommes)',
      `les intervalles sont des intervalles de ${m.interval} à ${m.level} (exacts sous 30 offres effectives)${m.customers ? ' et tiennent compte des offres répétées à un même client' : ''}`,
      m.segments ? 'les écarts entre segments sont des tests de deux proportions contre le reste, corrigés pour comparaisons multiples' : '',
      m.leaderboard ? 'le classement ordonne des taux rétrécis par Bayes empirique' : '',
    ]
      .filter(Boolean)
      .join(' ; ') + `.${m.benchmarks ? ` Références : ${m.benchmarks}.` : ''}`,
  noBenchmarks: 'aucune pour ces clients',
  via: (citation) => ` (via ${citation})`,

  testName(t) {
    switch (t.kind) {
      case 'z':
        return 'test z de deux proportions (poolé)';
      case 'fisher':
        return 'test exact de Fisher';
      case 'score':
        return 'test du score contre la référence';
      case 'run':
        return 'règle des séries (8 d’affilée du même côté)';
      case 'glm':
        return 'GLM quasi-binomial';
      case 'seasonal-glm':
        return 'GLM quasi-binomial saisonnier';
      case 'bayes':
        return `loi a posteriori Beta(${t.alpha}, ${t.beta}) par Bayes empirique`;
      case 'chart':
        return `${t.chart === 'laney' ? 'carte p′ de Laney' : 'carte p'}${t.sigmas && t.periods !== null ? ` (limites à ${t.sigmas}σ, ${t.periods} ${unitOf(t.grain, t.periods)})` : ''}`;
      default:
        return 'test statistique';
    }
  },
  adjusted: (p) => p.replace(/^p\b/, 'p ajusté'),
  rate: (rate, level, interval, accepted, offers) => `${rate} (intervalle à ${level} ${interval}, ${accepted} offres sur ${offers})`,
  difference: (points, level, lower, upper) => `${points} (intervalle à ${level} de ${lower} à ${upper})`,
  finding: FINDING,
};
