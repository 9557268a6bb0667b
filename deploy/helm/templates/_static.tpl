{{/* Settings for static files on S3 behind CloudFront (staticFiles.storage: s3), part of the
ConfigMap's data; nothing when whitenoise serves them. */}}
{{- define "adaptive-learning.staticFilesConfig" -}}
{{- $static := .Values.staticFiles }}
{{- if not (has $static.storage (list "whitenoise" "s3")) }}
{{- fail "staticFiles.storage must be whitenoise or s3" }}
{{- end }}
{{- if eq $static.storage "s3" }}
STATIC_STORAGE: "s3"
AWS_STORAGE_BUCKET_NAME: {{ required "staticFiles.s3.bucket is required with staticFiles.storage=s3" $static.s3.bucket | quote }}
AWS_S3_REGION_NAME: {{ $static.s3.region | quote }}
STATIC_CDN_DOMAIN: {{ required "staticFiles.s3.cdnDomain is required with staticFiles.storage=s3" $static.s3.cdnDomain | quote }}
STATIC_S3_LOCATION: {{ $static.s3.location | quote }}
{{- end }}
{{- end }}
