{{/* Chart name, truncated to the 63 characters Kubernetes names allow. */}}
{{- define "billing-sync.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: release-chart, or the release name alone when it already contains the chart name. */}}
{{- define "billing-sync.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "billing-sync.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "billing-sync.selectorLabels" -}}
app.kubernetes.io/name: {{ include "billing-sync.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "billing-sync.labels" -}}
helm.sh/chart: {{ include "billing-sync.chart" . }}
{{ include "billing-sync.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: billing-sync
{{- end }}

{{- define "billing-sync.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "billing-sync.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret the pods read credentials from: the existing one, or the chart's. */}}
{{- define "billing-sync.secretName" -}}
{{- default (include "billing-sync.fullname" .) .Values.credentials.existingSecret }}
{{- end }}

{{- define "billing-sync.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/* "true" when a setting has a value to render: not null, not "", not an empty list. */}}
{{- define "billing-sync.isSet" -}}
{{- if kindIs "invalid" . }}
{{- else if and (kindIs "string" .) (eq . "") }}
{{- else if and (kindIs "slice" .) (eq (len .) 0) }}
{{- else }}true{{ end }}
{{- end }}

{{/* A setting as an environment variable value: lists comma-separated (Spring binds them to lists). */}}
{{- define "billing-sync.envValue" -}}
{{- if kindIs "slice" . }}
{{- join "," . }}
{{- else if kindIs "float64" . }}
{{- . | int64 | toString }}
{{- else }}
{{- . | toString }}
{{- end }}
{{- end }}

{{/*
Non-secret settings, as environment variable names (Spring Boot relaxed binding) to values. Only set values are
rendered; the application's defaults apply to the rest.
*/}}
{{- define "billing-sync.settings" -}}
{{- $v := .Values }}
{{- $s := dict }}
{{- $_ := set $s "SPRING_DATASOURCE_URL" $v.database.url }}
{{- $_ := set $s "SPRING_DATASOURCE_USERNAME" $v.database.username }}
{{- $_ := set $s "SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE" $v.database.maximumPoolSize }}
{{- $_ := set $s "BILLING_DATABASE_CONNECT_TIMEOUT" $v.database.connectTimeout }}
{{- $_ := set $s "BILLING_DATABASE_SOCKET_TIMEOUT" $v.database.socketTimeout }}
{{- $_ := set $s "BILLING_DATABASE_STATEMENT_TIMEOUT" $v.database.statementTimeout }}
{{- $_ := set $s "BILLING_ATLAS_BASE_URL" $v.atlas.baseUrl }}
{{- $_ := set $s "BILLING_ATLAS_TIMEOUTS_CONNECT" $v.atlas.timeouts.connect }}
{{- $_ := set $s "BILLING_ATLAS_TIMEOUTS_READ" $v.atlas.timeouts.read }}
{{- $_ := set $s "BILLING_ATLAS_TIMEOUTS_CALL" $v.atlas.timeouts.call }}
{{- $_ := set $s "BILLING_ATLAS_TIMEOUTS_POLL" $v.atlas.timeouts.poll }}
{{- $_ := set $s "BILLING_ATLAS_RETRY_MAX_ATTEMPTS" $v.atlas.retry.maxAttempts }}
{{- $_ := set $s "BILLING_ATLAS_RETRY_INITIAL_BACKOFF" $v.atlas.retry.initialBackoff }}
{{- $_ := set $s "BILLING_ATLAS_RETRY_MAX_BACKOFF" $v.atlas.retry.maxBackoff }}
{{- $_ := set $s "BILLING_ATLAS_RETRY_MAX_RETRY_AFTER" $v.atlas.retry.maxRetryAfter }}
{{- $_ := set $s "BILLING_ATLAS_VERSIONS_INVOICES" $v.atlas.versions.invoices }}
{{- $_ := set $s "BILLING_ATLAS_VERSIONS_COST_EXPLORER" $v.atlas.versions.costExplorer }}
{{- $_ := set $s "BILLING_ATLAS_SPOOL_DIRECTORY" $v.atlas.spoolDirectory }}
{{- range $i, $org := $v.orgs }}
{{- $_ := set $s (printf "BILLING_ORGS_%d_ID" $i) $org.id }}
{{- $_ := set $s (printf "BILLING_ORGS_%d_NAME" $i) $org.name }}
{{- end }}
{{- $_ := set $s "BILLING_SYNC_ENABLED" $v.sync.enabled }}
{{- $_ := set $s "BILLING_SYNC_CRON" $v.sync.cron }}
{{- $_ := set $s "BILLING_SYNC_RUN_ON_STARTUP" $v.sync.runOnStartup }}
{{- $_ := set $s "BILLING_SYNC_STARTUP_GRACE" $v.sync.startupGrace }}
{{- $_ := set $s "BILLING_SYNC_LOCK_AT_MOST_FOR" $v.sync.lockAtMostFor }}
{{- $_ := set $s "BILLING_SYNC_ORG_TIME_BUDGET" $v.sync.orgTimeBudget }}
{{- $_ := set $s "BILLING_SYNC_HISTORY_MONTHS" $v.sync.historyMonths }}
{{- $_ := set $s "BILLING_SYNC_PARALLELISM" $v.sync.parallelism }}
{{- $_ := set $s "BILLING_SYNC_FINAL_INVOICE_STATUSES" $v.sync.finalInvoiceStatuses }}
{{- $_ := set $s "BILLING_COST_EXPLORER_ENABLED" $v.costExplorer.enabled }}
{{- $_ := set $s "BILLING_COST_EXPLORER_MONTHS" $v.costExplorer.months }}
{{- $_ := set $s "BILLING_COST_EXPLORER_GROUP_BY" $v.costExplorer.groupBy }}
{{- $_ := set $s "BILLING_COST_EXPLORER_INCLUDE_PARTIAL_MATCHES" $v.costExplorer.includePartialMatches }}
{{- $_ := set $s "BILLING_COST_EXPLORER_FORMAT" $v.costExplorer.format }}
{{- $_ := set $s "BILLING_COST_EXPLORER_POLL_INTERVAL" $v.costExplorer.pollInterval }}
{{- $_ := set $s "BILLING_COST_EXPLORER_MAX_POLL_INTERVAL" $v.costExplorer.maxPollInterval }}
{{- $_ := set $s "BILLING_COST_EXPLORER_DEADLINE" $v.costExplorer.deadline }}
{{- $_ := set $s "BILLING_COST_EXPLORER_REFRESH_AFTER" $v.costExplorer.refreshAfter }}
{{- $_ := set $s "BILLING_ORGS_DISCOVERY_ENABLED" $v.orgsDiscovery.enabled }}
{{- $_ := set $s "BILLING_ORGS_DISCOVERY_EXCLUDE" $v.orgsDiscovery.exclude }}
{{- $_ := set $s "BILLING_HEALTH_FRESHNESS_WARN_AFTER" $v.health.freshness.warnAfter }}
{{- $_ := set $s "BILLING_HEALTH_FRESHNESS_STATUS" $v.health.freshness.status }}
{{- $_ := set $s "BILLING_HEALTH_FRESHNESS_REFRESH_INTERVAL" $v.health.freshness.refreshInterval }}
{{- range $i, $key := $v.api.keys }}
{{- $_ := set $s (printf "BILLING_SECURITY_API_KEYS_%d_NAME" $i) $key.name }}
{{- $_ := set $s (printf "BILLING_SECURITY_API_KEYS_%d_ROLES" $i) $key.roles }}
{{- $_ := set $s (printf "BILLING_SECURITY_API_KEYS_%d_ORGS" $i) $key.orgs }}
{{- end }}
{{- $_ := set $s "BILLING_API_RESPONSE_CACHE_MAX_SIZE" $v.api.responseCache.maxSize }}
{{- $_ := set $s "BILLING_API_RESPONSE_CACHE_MAX_ENTRY_SIZE" $v.api.responseCache.maxEntrySize }}
{{- $_ := set $s "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI" $v.api.jwt.issuerUri }}
{{- $_ := set $s "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI" $v.api.jwt.jwkSetUri }}
{{- $_ := set $s "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCES" $v.api.jwt.audiences }}
{{- if ne $v.logging.format "plain" }}
{{- $_ := set $s "LOGGING_STRUCTURED_FORMAT_CONSOLE" $v.logging.format }}
{{- end }}
{{- range $logger, $level := $v.logging.levels }}
{{- $_ := set $s (printf "LOGGING_LEVEL_%s" ($logger | upper | replace "." "_" | replace "-" "")) $level }}
{{- end }}
{{- range $name, $value := $v.extraConfig }}
{{- $_ := set $s $name $value }}
{{- end }}
{{- range $name, $value := $s }}
{{- if include "billing-sync.isSet" $value }}
{{ $name }}: {{ include "billing-sync.envValue" $value | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* Secret settings, as environment variable names to values. */}}
{{- define "billing-sync.secrets" -}}
{{- $v := .Values }}
{{- $s := dict }}
{{- $_ := set $s "BILLING_ATLAS_CLIENT_ID" $v.credentials.atlas.clientId }}
{{- $_ := set $s "BILLING_ATLAS_CLIENT_SECRET" $v.credentials.atlas.clientSecret }}
{{- $_ := set $s "BILLING_ATLAS_PUBLIC_KEY" $v.credentials.atlas.publicKey }}
{{- $_ := set $s "BILLING_ATLAS_PRIVATE_KEY" $v.credentials.atlas.privateKey }}
{{- $_ := set $s "SPRING_DATASOURCE_PASSWORD" $v.credentials.databasePassword }}
{{- range $i, $org := $v.orgs }}
{{- $_ := set $s (printf "BILLING_ORGS_%d_CLIENT_ID" $i) $org.clientId }}
{{- $_ := set $s (printf "BILLING_ORGS_%d_CLIENT_SECRET" $i) $org.clientSecret }}
{{- $_ := set $s (printf "BILLING_ORGS_%d_PUBLIC_KEY" $i) $org.publicKey }}
{{- $_ := set $s (printf "BILLING_ORGS_%d_PRIVATE_KEY" $i) $org.privateKey }}
{{- end }}
{{- range $i, $key := $v.api.keys }}
{{- $_ := set $s (printf "BILLING_SECURITY_API_KEYS_%d_KEY" $i) $key.key }}
{{- end }}
{{- range $name, $value := $s }}
{{- if include "billing-sync.isSet" $value }}
{{ $name }}: {{ include "billing-sync.envValue" $value | b64enc | quote }}
{{- end }}
{{- end }}
{{- end }}
