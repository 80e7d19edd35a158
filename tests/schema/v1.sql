-- An archive of schema version 1 (before versions were recorded: user_version 0),
-- as app/models.py made it on 2026-11-30, with one row of each kind.
BEGIN TRANSACTION;
CREATE TABLE archivemeta (
	"key" VARCHAR NOT NULL, 
	value VARCHAR NOT NULL, 
	PRIMARY KEY ("key")
);
INSERT INTO "archivemeta" VALUES('content_version','3');
CREATE TABLE document (
	id INTEGER NOT NULL, 
	"key" VARCHAR NOT NULL, 
	source_file VARCHAR NOT NULL, 
	sha256 VARCHAR NOT NULL, 
	encoding VARCHAR NOT NULL, 
	language VARCHAR NOT NULL, 
	title VARCHAR NOT NULL, 
	publisher VARCHAR NOT NULL, 
	published_date VARCHAR NOT NULL, 
	date_text VARCHAR NOT NULL, 
	aired_date VARCHAR NOT NULL, 
	source_urls VARCHAR NOT NULL, 
	source_credit VARCHAR NOT NULL, 
	provenance VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	text VARCHAR NOT NULL, 
	interview_id INTEGER, 
	participants VARCHAR NOT NULL, 
	warnings VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(interview_id) REFERENCES interview (id)
);
INSERT INTO "document" VALUES(1,'old.txt','old.txt','0000','utf-8','en','An old interview','Some Outlet','2024-05-01','May 1, 2024','','[]','','["transcript"]','interview','Q: Why?

Dario: Because.',1,'[["guest","dario-amodei"]]','[]');
CREATE TABLE interview (
	id INTEGER NOT NULL, 
	slug VARCHAR NOT NULL, 
	"key" VARCHAR NOT NULL, 
	title VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	show VARCHAR NOT NULL, 
	episode VARCHAR NOT NULL, 
	date VARCHAR NOT NULL, 
	original_language VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "interview" VALUES(1,'an-old-interview','outlet|dario-amodei','An old interview','interview','Some Outlet','','2024-05-01','en');
CREATE TABLE interviewspeaker (
	interview_id INTEGER NOT NULL, 
	speaker_id INTEGER NOT NULL, 
	role VARCHAR NOT NULL, 
	PRIMARY KEY (interview_id, speaker_id, role), 
	FOREIGN KEY(interview_id) REFERENCES interview (id), 
	FOREIGN KEY(speaker_id) REFERENCES speaker (id)
);
INSERT INTO "interviewspeaker" VALUES(1,1,'guest');
CREATE TABLE passage (
	id VARCHAR NOT NULL, 
	document_id INTEGER NOT NULL, 
	ordinal INTEGER NOT NULL, 
	speaker_id INTEGER, 
	speaker_label VARCHAR NOT NULL, 
	role VARCHAR NOT NULL, 
	section VARCHAR NOT NULL, 
	timestamp INTEGER, 
	text VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(document_id) REFERENCES document (id), 
	FOREIGN KEY(speaker_id) REFERENCES speaker (id)
);
INSERT INTO "passage" VALUES('AAAAAAAAAAAA',1,0,NULL,'Q','question','',NULL,'Why?');
INSERT INTO "passage" VALUES('BBBBBBBBBBBB',1,1,1,'Dario','answer','',12,'Because.');
CREATE TABLE passageredirect (
	old_id VARCHAR NOT NULL, 
	new_id VARCHAR, 
	interview_slug VARCHAR NOT NULL, 
	document_key VARCHAR NOT NULL, 
	PRIMARY KEY (old_id)
);
INSERT INTO "passageredirect" VALUES('CCCCCCCCCCCC','BBBBBBBBBBBB','an-old-interview','old.txt');
INSERT INTO "passageredirect" VALUES('DDDDDDDDDDDD',NULL,'an-old-interview','old.txt');
CREATE TABLE speaker (
	id INTEGER NOT NULL, 
	slug VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	aliases VARCHAR NOT NULL, 
	affiliation VARCHAR NOT NULL, 
	role VARCHAR NOT NULL, 
	is_organization BOOLEAN NOT NULL, 
	in_registry BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "speaker" VALUES(1,'dario-amodei','Dario Amodei','["达里奥"]','Anthropic','CEO',0,1);
CREATE UNIQUE INDEX ix_speaker_slug ON speaker (slug);
CREATE UNIQUE INDEX ix_interview_key ON interview ("key");
CREATE UNIQUE INDEX ix_interview_slug ON interview (slug);
CREATE UNIQUE INDEX ix_document_key ON document ("key");
CREATE INDEX ix_document_interview_id ON document (interview_id);
CREATE INDEX ix_document_source_file ON document (source_file);
CREATE INDEX ix_passage_speaker_id ON passage (speaker_id);
CREATE INDEX ix_passage_document_id ON passage (document_id);
COMMIT;
