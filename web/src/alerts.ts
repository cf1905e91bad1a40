/** GET /api/v1/alerts, as the alerts engine answers it (the page reads only the API). */
export interface AlertView {
  readonly rule: string;
  readonly scope: string;
  readonly state: 'firing' | 'resolved';
  readonly firingSince: string;
  readonly resolvedAt: string | null;
  readonly lastNotifiedAt: string | null;
  readonly severity: 'warning' | 'critical';
  readonly message: string;
}

export interface AlertsResponse {
  readonly firing: readonly AlertView[];
  readonly recent: readonly AlertView[];
}
