{{- define "eck-operator.fullname" -}}{{ .Release.Name }}{{- end }}
