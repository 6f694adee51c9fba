-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "awayReason" TEXT;

-- AlterTable
ALTER TABLE "Queue" ADD COLUMN     "displayNames" JSONB NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "AwayReason" (
    "code" TEXT NOT NULL,
    "labels" JSONB NOT NULL,
    "sortOrder" INTEGER NOT NULL DEFAULT 0,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AwayReason_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "AgentPresenceChange" (
    "id" BIGSERIAL NOT NULL,
    "agentId" UUID NOT NULL,
    "state" "AgentState" NOT NULL,
    "reason" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AgentPresenceChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContactNote" (
    "id" UUID NOT NULL,
    "contactId" UUID NOT NULL,
    "authorId" UUID,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ContactNote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CannedAnswer" (
    "id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "language" TEXT,
    "queueId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CannedAnswer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AgentPresenceChange_agentId_at_idx" ON "AgentPresenceChange"("agentId", "at");

-- CreateIndex
CREATE INDEX "AgentPresenceChange_at_idx" ON "AgentPresenceChange"("at");

-- CreateIndex
CREATE INDEX "ContactNote_contactId_createdAt_idx" ON "ContactNote"("contactId", "createdAt");

-- CreateIndex
CREATE INDEX "CannedAnswer_language_queueId_idx" ON "CannedAnswer"("language", "queueId");

-- AddForeignKey
ALTER TABLE "AgentPresenceChange" ADD CONSTRAINT "AgentPresenceChange_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContactNote" ADD CONSTRAINT "ContactNote_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CannedAnswer" ADD CONSTRAINT "CannedAnswer_queueId_fkey" FOREIGN KEY ("queueId") REFERENCES "Queue"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every state or away-reason change of an agent, whoever makes it (an agent, a supervisor, the router
-- setting an agent away after missed offers), leaves a row for the time-per-reason report.
CREATE FUNCTION sentral_agent_presence_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' OR OLD.state IS DISTINCT FROM NEW.state OR OLD."awayReason" IS DISTINCT FROM NEW."awayReason"
     OR OLD."stateSince" IS DISTINCT FROM NEW."stateSince" THEN
    INSERT INTO "AgentPresenceChange" ("agentId", state, reason, at) VALUES (NEW.id, NEW.state, NEW."awayReason", NEW."stateSince");
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER sentral_agent_presence_change AFTER INSERT OR UPDATE ON "Agent"
  FOR EACH ROW EXECUTE FUNCTION sentral_agent_presence_change();

-- Reasons every contact centre starts with; supervisors and admins change them through /api/away-reasons.
INSERT INTO "AwayReason" (code, labels, "sortOrder", "updatedAt") VALUES
  ('break', '{"nb":"Pause","da":"Pause","en":"Break"}', 10, CURRENT_TIMESTAMP),
  ('lunch', '{"nb":"Lunsj","da":"Frokost","en":"Lunch"}', 20, CURRENT_TIMESTAMP),
  ('meeting', '{"nb":"Møte","da":"Møde","en":"Meeting"}', 30, CURRENT_TIMESTAMP),
  ('training', '{"nb":"Opplæring","da":"Oplæring","en":"Training"}', 40, CURRENT_TIMESTAMP),
  ('after-call-work', '{"nb":"Etterarbeid","da":"Efterbehandling","en":"After-call work"}', 50, CURRENT_TIMESTAMP),
  ('other', '{"nb":"Annet","da":"Andet","en":"Other"}', 90, CURRENT_TIMESTAMP);
