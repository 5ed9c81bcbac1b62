-- Haeresis/raw-sql-vs-query-builder-vs-orm-javascript-nodejs (labels.json): its schema and rows, from its
-- database-users-roles.js (MySQL), written for PostgreSQL. Load into a database named raw_builder_orm.
DROP TABLE IF EXISTS users;
DROP TABLE IF EXISTS roles;
CREATE TABLE roles (id serial PRIMARY KEY, name varchar(255) NOT NULL);
CREATE INDEX name_idx ON roles (name);
INSERT INTO roles (name) VALUES ('Administrateur'), ('Éditeur'), ('Lecteur');
CREATE TABLE users (
  id serial PRIMARY KEY,
  role_id int NOT NULL REFERENCES roles (id) ON UPDATE CASCADE ON DELETE RESTRICT,
  email varchar(255) NOT NULL,
  password varchar(255) NOT NULL
);
CREATE INDEX email_idx ON users (email);
CREATE INDEX password_idx ON users (password);
INSERT INTO users (role_id, email, password) VALUES
  (1, 'admin@example.com', 'unknown'), (2, 'bruno@example.com', 'foo'), (2, 'magalie@example.com', 'bar'),
  (3, 'nyx@example.com', 'baz'), (3, 'noctalie@example.com', 'fooz'), (3, 'dayski@example.com', 'far');
