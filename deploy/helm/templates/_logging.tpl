{{/* Fluent Bit's pipeline for the chart: call with (dict "log" .Values.logging "host" H "paths" P). */}}
{{- define "adaptive-learning.fluentBitConf" -}}
[SERVICE]
    Flush                     5
    Log_Level                 info
    Parsers_File              /fluent-bit/etc/adaptive-learning/parsers.conf
    HTTP_Server               On
    HTTP_Listen               0.0.0.0
    HTTP_Port                 2020
    Health_Check              On
    # Chunks wait on the node's disk while OpenSearch is unreachable.
    storage.path              /var/fluent-bit/state/buffer/
    storage.sync              normal
    storage.backlog.mem_limit 5M

[INPUT]
    Name              tail
    Tag               kube.*
    Path              {{ join "," $.paths }}
    # containerd (EKS) writes CRI lines; docker's JSON for older nodes.
    multiline.parser  cri, docker
    DB                /var/fluent-bit/state/tail.db
    Mem_Buf_Limit     20MB
    Skip_Long_Lines   On
    Refresh_Interval  10
    storage.type      filesystem

# Our JSON lines become fields (request_id, user_id, duration_ms, ...); anything else
# (a crash before logging is configured) is kept as it is, in "log".
[FILTER]
    Name          parser
    Match         kube.*
    Key_Name      log
    Parser        adaptive-learning-json
    Reserve_Data  On

[FILTER]
    Name                kubernetes
    Match               kube.*
    Kube_Tag_Prefix     kube.var.log.containers.
    Merge_Log           Off
    Labels              On
    Annotations         Off
    K8S-Logging.Exclude On

[OUTPUT]
    Name                opensearch
    Match               kube.*
    Host                {{ $.host }}
    Port                {{ $.log.output.port | int }}
    Logstash_Format     On
    Logstash_Prefix     {{ $.log.output.indexPrefix }}
    # OpenSearch 2 and Elasticsearch 8 have no mapping types.
    Suppress_Type_Name  On
    # Label keys such as app.kubernetes.io/name would otherwise become nested objects.
    Replace_Dots        On
    Trace_Error         On
    Retry_Limit         False
    tls                 {{ ternary "On" "Off" $.log.output.tls }}
    {{- if $.log.output.tls }}
    tls.verify          On
    {{- end }}
    {{- if $.log.output.awsAuth }}
    AWS_Auth            On
    AWS_Region          {{ $.log.output.awsRegion }}
    {{- end }}
{{- end }}
