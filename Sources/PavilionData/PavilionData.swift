// Data validation: filled by the service and data issues.
