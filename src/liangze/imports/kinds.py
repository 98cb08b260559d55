"""The job kinds of business imports and exports, registered with the jobs app in apps.py."""

BUSINESS_IMPORT_CHECK = "business_import_check"
BUSINESS_IMPORT_WRITE = "business_import_write"
BUSINESS_EXPORT = "business_export"
