{{/* Chart name, truncated to the 63 characters a label value may hold. */}}
{{- define "adaptive-learning.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name, prefixed with the chart name unless it already has it. */}}
{{- define "adaptive-learning.fullname" -}}
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

{{- define "adaptive-learning.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. part-of doubles as the Prometheus job name (ServiceMonitor jobLabel). */}}
{{- define "adaptive-learning.labels" -}}
helm.sh/chart: {{ include "adaptive-learning.chart" . }}
{{ include "adaptive-learning.selectorLabels" . }}
app.kubernetes.io/version: {{ include "adaptive-learning.imageTag" . | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: adaptive-learning
adaptive-learning/environment: {{ .Values.environment }}
{{- end }}

{{- define "adaptive-learning.selectorLabels" -}}
app.kubernetes.io/name: {{ include "adaptive-learning.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels and selector labels of one component: call with (dict "ctx" $ "component" "web"). */}}
{{- define "adaptive-learning.componentLabels" -}}
{{ include "adaptive-learning.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "adaptive-learning.componentSelectorLabels" -}}
{{ include "adaptive-learning.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "adaptive-learning.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "adaptive-learning.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "adaptive-learning.imageTag" -}}
{{- .Values.image.tag | default .Chart.AppVersion | toString }}
{{- end }}

{{- define "adaptive-learning.image" -}}
{{- printf "%s:%s" .Values.image.repository (include "adaptive-learning.imageTag" .) }}
{{- end }}

{{- define "adaptive-learning.secretName" -}}
{{- required "secrets.existingSecret must name the Secret holding the app's secrets" .Values.secrets.existingSecret }}
{{- end }}

{{/* Non-secret settings as a flat map, for the ConfigMap and the migration Job. */}}
{{- define "adaptive-learning.configData" -}}
DJANGO_SETTINGS_MODULE: {{ .Values.config.djangoSettingsModule | quote }}
DEBUG: {{ .Values.config.debug | toString | quote }}
ALLOWED_HOSTS: {{ join "," .Values.config.allowedHosts | quote }}
CSRF_TRUSTED_ORIGINS: {{ join "," .Values.config.csrfTrustedOrigins | quote }}
LOG_LEVEL: {{ .Values.config.logLevel | quote }}
SECURE_SSL_REDIRECT: {{ .Values.config.secureSslRedirect | toString | quote }}
SECURE_HSTS_SECONDS: {{ .Values.config.secureHstsSeconds | int64 | toString | quote }}
JWT_ACCESS_TOKEN_LIFETIME_MINUTES: {{ .Values.config.jwtAccessTokenLifetimeMinutes | int64 | toString | quote }}
JWT_REFRESH_TOKEN_LIFETIME_DAYS: {{ .Values.config.jwtRefreshTokenLifetimeDays | int64 | toString | quote }}
DEFAULT_FROM_EMAIL: {{ .Values.config.defaultFromEmail | quote }}
PROMETHEUS_MULTIPROC_DIR: "/tmp/prometheus-multiproc"
NUM_PROXIES: {{ .Values.config.trustedProxies | int64 | toString | quote }}
FORWARDED_ALLOW_IPS: {{ .Values.config.forwardedAllowIps | quote }}
{{- include "adaptive-learning.staticFilesConfig" . }}
{{- range $name, $value := .Values.config.extraEnv }}
{{ $name }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/* Secret values as env (secretKeyRef) or as <NAME>_FILE pointing at the mounted files. */}}
{{- define "adaptive-learning.secretEnv" -}}
{{- $secretName := include "adaptive-learning.secretName" . }}
{{- $mode := .Values.secrets.mode }}
{{- if not (has $mode (list "env" "files")) }}
{{- fail "secrets.mode must be env or files" }}
{{- end }}
{{- range $name, $ref := .Values.secrets.keys }}
{{- /* Optional keys stay env vars in files mode: a missing key would fail the volume mount. */}}
{{- if or (eq $mode "env") $ref.optional }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $secretName }}
      key: {{ $ref.key }}
      {{- if $ref.optional }}
      optional: true
      {{- end }}
{{- else }}
- name: {{ $name }}_FILE
  value: {{ printf "%s/%s" $.Values.secrets.mountPath $ref.key | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* Environment shared by every app container. */}}
{{- define "adaptive-learning.env" -}}
- name: POD_IP
  valueFrom:
    fieldRef:
      fieldPath: status.podIP
# Overrides the ConfigMap's value: the pod IP lets kubelet probes and Prometheus scrapes
# (Host: <pod-ip>:8000) past Django's ALLOWED_HOSTS check.
- name: ALLOWED_HOSTS
  value: {{ printf "%s,$(POD_IP)" (join "," .Values.config.allowedHosts) | quote }}
- name: GIT_SHA
  value: {{ include "adaptive-learning.imageTag" . | quote }}
{{- include "adaptive-learning.secretEnv" . }}
{{- end }}

{{- define "adaptive-learning.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if eq .Values.secrets.mode "files" }}
- name: app-secrets
  mountPath: {{ .Values.secrets.mountPath }}
  readOnly: true
{{- end }}
{{- end }}

{{- define "adaptive-learning.volumes" -}}
- name: tmp
  emptyDir:
    {{- with .Values.tmpVolume.medium }}
    medium: {{ . }}
    {{- end }}
    sizeLimit: {{ .Values.tmpVolume.sizeLimit }}
{{- if eq .Values.secrets.mode "files" }}
- name: app-secrets
  secret:
    secretName: {{ include "adaptive-learning.secretName" . }}
    defaultMode: 0440
    items:
      {{- range $name, $ref := .Values.secrets.keys }}
      {{- if not $ref.optional }}
      - key: {{ $ref.key }}
        path: {{ $ref.key }}
      {{- end }}
      {{- end }}
{{- end }}
{{- end }}

{{/* Annotations that restart pods when the settings they read at start change. */}}
{{- define "adaptive-learning.podChecksums" -}}
checksum/config: {{ include "adaptive-learning.configData" . | sha256sum }}
{{- end }}

{{/* The web pod template, shared by the Deployment and the Argo Rollout. */}}
{{- define "adaptive-learning.webPodTemplate" -}}
metadata:
  labels:
    {{- include "adaptive-learning.componentSelectorLabels" (dict "ctx" . "component" "web") | nindent 4 }}
    {{- with .Values.web.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    {{- include "adaptive-learning.podChecksums" . | nindent 4 }}
    {{- with .Values.web.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "adaptive-learning.serviceAccountName" . }}
  automountServiceAccountToken: {{ .Values.serviceAccount.automountToken }}
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml .Values.podSecurityContext | nindent 4 }}
  terminationGracePeriodSeconds: {{ .Values.web.terminationGracePeriodSeconds }}
  containers:
    - name: web
      image: {{ include "adaptive-learning.image" . }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      command: ["/app/deploy/docker/start-web"]
      ports:
        - name: http
          containerPort: {{ .Values.web.containerPort }}
          protocol: TCP
      envFrom:
        - configMapRef:
            name: {{ include "adaptive-learning.fullname" . }}
      env:
        {{- include "adaptive-learning.env" . | nindent 8 }}
        - name: PORT
          value: {{ .Values.web.containerPort | quote }}
        - name: WEB_CONCURRENCY
          value: {{ .Values.web.concurrency | quote }}
      livenessProbe:
        {{- include "adaptive-learning.probe" .Values.web.livenessProbe | nindent 8 }}
      readinessProbe:
        {{- include "adaptive-learning.probe" .Values.web.readinessProbe | nindent 8 }}
      lifecycle:
        preStop:
          exec:
            command: ["sleep", {{ .Values.web.preStopSleepSeconds | quote }}]
      resources:
        {{- toYaml .Values.web.resources | nindent 8 }}
      securityContext:
        {{- toYaml .Values.securityContext | nindent 8 }}
      volumeMounts:
        {{- include "adaptive-learning.volumeMounts" . | nindent 8 }}
  volumes:
    {{- include "adaptive-learning.volumes" . | nindent 4 }}
  {{- with .Values.web.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.web.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.web.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.web.topologySpreadConstraints }}
  {{- $selector := dict "matchLabels" (include "adaptive-learning.componentSelectorLabels" (dict "ctx" $ "component" "web") | fromYaml) }}
  {{- $constraints := list }}
  {{- range . }}
  {{- $constraints = append $constraints (merge (dict "labelSelector" $selector) .) }}
  {{- end }}
  topologySpreadConstraints:
    {{- toYaml $constraints | nindent 4 }}
  {{- end }}
{{- end }}

{{/* An HTTP probe from values, with headers that get it past ALLOWED_HOSTS and the SSL redirect. */}}
{{- define "adaptive-learning.probe" -}}
httpGet:
  path: {{ .httpGet.path }}
  port: {{ .httpGet.port }}
  httpHeaders:
    - name: X-Forwarded-Proto
      value: https
{{- with (omit . "httpGet") }}
{{ toYaml . }}
{{- end }}
{{- end }}
