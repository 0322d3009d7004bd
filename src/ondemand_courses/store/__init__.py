"""Storage: tables, migrations and the queries the services run, with no HTTP in sight."""
