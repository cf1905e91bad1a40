/** GET /api/v1/alerts, as the alerts engine answers it (the page reads only the API). */
import type { AlertList, AlertView } from '../../src/alerts/alert-views.js';

export type { AlertView };
export type AlertsResponse = AlertList;
