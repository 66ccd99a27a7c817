{{/* The release's name for its objects: "drbot" for a release named drbot (or drbot-…). */}}
{{- define "drbot.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* What selects this release's pods (never changes across upgrades). */}}
{{- define "drbot.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "drbot.labels" -}}
{{ include "drbot.selectorLabels" . }}
app.kubernetes.io/part-of: drbot
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "drbot.secretName" -}}
{{- .Values.secret.name | default (printf "%s-secrets" (include "drbot.fullname" .)) -}}
{{- end -}}

{{- define "drbot.configMapName" -}}
{{- .Values.config.existingConfigMap | default (printf "%s-config" (include "drbot.fullname" .)) -}}
{{- end -}}

{{- define "drbot.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{/*
The config folder as a ConfigMap's data: the chart's config/ (when config.defaults), then
config.files over it, by path; a key is the path with `/` written `__` (a key cannot hold `/`).
*/}}
{{- define "drbot.configData" -}}
{{- $files := dict -}}
{{- if .Values.config.defaults -}}
{{- range $path, $_ := .Files.Glob "config/**" -}}
{{- $_ := set $files (trimPrefix "config/" $path) ($.Files.Get $path) -}}
{{- end -}}
{{- end -}}
{{- range $path, $content := .Values.config.files -}}
{{- $_ := set $files $path $content -}}
{{- end -}}
{{- if not (hasKey $files "drbot.yml") -}}
{{- fail "config: no drbot.yml. Set config.defaults=true, or give it with --set-file 'config.files.drbot\\.yml=<your drbot.yml>'" -}}
{{- end -}}
{{- $data := dict -}}
{{- range $path, $content := $files -}}
{{- $_ := set $data (replace "/" "__" $path) $content -}}
{{- end -}}
{{- toYaml $data -}}
{{- end -}}
