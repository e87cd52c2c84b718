-- One database per service, each owned by a role of its own, so that a service can reach
-- only its own tables (the architecture's rule, enforced by the database).
-- The postgres image runs this once, on an empty data volume (/docker-entrypoint-initdb.d).
-- The passwords are for the compose demo only: production creates the roles with secrets
-- from its secret store and puts them in the LIFECASE_*_DATABASE_URL variables.

CREATE ROLE lifecase_intake LOGIN PASSWORD 'intake-demo';
CREATE DATABASE lifecase_intake OWNER lifecase_intake;
REVOKE ALL ON DATABASE lifecase_intake FROM PUBLIC;

CREATE ROLE lifecase_lifecycle LOGIN PASSWORD 'lifecycle-demo';
CREATE DATABASE lifecase_lifecycle OWNER lifecase_lifecycle;
REVOKE ALL ON DATABASE lifecase_lifecycle FROM PUBLIC;

CREATE ROLE lifecase_routing LOGIN PASSWORD 'routing-demo';
CREATE DATABASE lifecase_routing OWNER lifecase_routing;
REVOKE ALL ON DATABASE lifecase_routing FROM PUBLIC;

CREATE ROLE lifecase_notifications LOGIN PASSWORD 'notifications-demo';
CREATE DATABASE lifecase_notifications OWNER lifecase_notifications;
REVOKE ALL ON DATABASE lifecase_notifications FROM PUBLIC;

CREATE ROLE lifecase_insight LOGIN PASSWORD 'insight-demo';
CREATE DATABASE lifecase_insight OWNER lifecase_insight;
REVOKE ALL ON DATABASE lifecase_insight FROM PUBLIC;
