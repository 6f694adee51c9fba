-- CreateTable
CREATE TABLE "RoutingRuleSet" (
    "version" SERIAL NOT NULL,
    "definition" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" UUID,

    CONSTRAINT "RoutingRuleSet_pkey" PRIMARY KEY ("version")
);

-- CreateTable
CREATE TABLE "QueueRouting" (
    "queueId" TEXT NOT NULL,
    "wrapUpSeconds" INTEGER NOT NULL DEFAULT 0,
    "maxWaitSeconds" INTEGER NOT NULL DEFAULT 600,
    "agingWeight" DOUBLE PRECISION NOT NULL DEFAULT 0.1,
    "timeZone" TEXT NOT NULL DEFAULT 'Europe/Oslo',
    "businessHours" JSONB,
    "holidays" JSONB NOT NULL DEFAULT '[]',
    "closedAction" TEXT NOT NULL DEFAULT 'message',
    "closedMessage" JSONB NOT NULL DEFAULT '{}',
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "QueueRouting_pkey" PRIMARY KEY ("queueId")
);

-- CreateTable
CREATE TABLE "ContactRouting" (
    "contactId" UUID NOT NULL,
    "ruleSetVersion" INTEGER,
    "filter" TEXT,
    "plan" JSONB NOT NULL,
    "step" INTEGER NOT NULL DEFAULT 0,
    "stepStartedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "basePriority" INTEGER NOT NULL DEFAULT 0,
    "stickyAgentId" UUID,
    "planStartedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "excludedAgents" UUID[] DEFAULT ARRAY[]::UUID[],
    "heldUntilOpen" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "ContactRouting_pkey" PRIMARY KEY ("contactId")
);

-- CreateTable
CREATE TABLE "RoutingDecision" (
    "id" BIGSERIAL NOT NULL,
    "contactId" UUID NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "step" INTEGER,
    "agentId" UUID,
    "data" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "RoutingDecision_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RoutingDecision_contactId_id_idx" ON "RoutingDecision"("contactId", "id");

-- AddForeignKey
ALTER TABLE "QueueRouting" ADD CONSTRAINT "QueueRouting_queueId_fkey" FOREIGN KEY ("queueId") REFERENCES "Queue"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContactRouting" ADD CONSTRAINT "ContactRouting_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoutingDecision" ADD CONSTRAINT "RoutingDecision_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The router keeps agents and waiting contacts in memory, and these triggers tell it, on commit,
-- which rows changed, whichever process or tool changed them (see docs/ARCHITECTURE.md).
CREATE FUNCTION "sentral_routing_contact_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('sentral_routing', 'c:' || NEW.id::text);
  IF OLD."agentId" IS NOT NULL THEN PERFORM pg_notify('sentral_routing', 'a:' || OLD."agentId"::text); END IF;
  IF NEW."agentId" IS NOT NULL THEN PERFORM pg_notify('sentral_routing', 'a:' || NEW."agentId"::text); END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Contact_routing_notify" AFTER UPDATE ON "Contact" FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD."agentId" IS DISTINCT FROM NEW."agentId"
     OR OLD."queueId" IS DISTINCT FROM NEW."queueId" OR OLD.priority IS DISTINCT FROM NEW.priority
     OR OLD.disposition IS DISTINCT FROM NEW.disposition)
  EXECUTE FUNCTION "sentral_routing_contact_changed"();

CREATE FUNCTION "sentral_routing_agent_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('sentral_routing', 'a:' || OLD.id::text);
  ELSE
    PERFORM pg_notify('sentral_routing', 'a:' || NEW.id::text);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Agent_routing_notify_update" AFTER UPDATE ON "Agent" FOR EACH ROW
  WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.skills IS DISTINCT FROM NEW.skills
     OR OLD."capacityVoice" IS DISTINCT FROM NEW."capacityVoice" OR OLD."capacityChat" IS DISTINCT FROM NEW."capacityChat"
     OR OLD."capacityEmail" IS DISTINCT FROM NEW."capacityEmail" OR OLD."capacityFax" IS DISTINCT FROM NEW."capacityFax")
  EXECUTE FUNCTION "sentral_routing_agent_changed"();
CREATE TRIGGER "Agent_routing_notify_delete" AFTER DELETE ON "Agent" FOR EACH ROW
  EXECUTE FUNCTION "sentral_routing_agent_changed"();

CREATE FUNCTION "sentral_routing_membership_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('sentral_routing', 'a:' || OLD."agentId"::text);
  ELSE
    PERFORM pg_notify('sentral_routing', 'a:' || NEW."agentId"::text);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "AgentQueue_routing_notify" AFTER INSERT OR UPDATE OR DELETE ON "AgentQueue" FOR EACH ROW
  EXECUTE FUNCTION "sentral_routing_membership_changed"();

CREATE FUNCTION "sentral_routing_plan_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('sentral_routing', 'c:' || NEW."contactId"::text);
  RETURN NULL;
END $$;

CREATE TRIGGER "ContactRouting_routing_notify" AFTER INSERT OR UPDATE ON "ContactRouting" FOR EACH ROW
  EXECUTE FUNCTION "sentral_routing_plan_changed"();

CREATE FUNCTION "sentral_routing_queue_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'Queue' THEN
    PERFORM pg_notify('sentral_routing', 'q:' || COALESCE(NEW.id, OLD.id));
  ELSE
    PERFORM pg_notify('sentral_routing', 'q:' || COALESCE(NEW."queueId", OLD."queueId"));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Queue_routing_notify" AFTER INSERT OR UPDATE OR DELETE ON "Queue" FOR EACH ROW
  EXECUTE FUNCTION "sentral_routing_queue_changed"();
CREATE TRIGGER "QueueRouting_routing_notify" AFTER INSERT OR UPDATE OR DELETE ON "QueueRouting" FOR EACH ROW
  EXECUTE FUNCTION "sentral_routing_queue_changed"();

CREATE FUNCTION "sentral_routing_rules_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('sentral_routing', 'r:' || NEW.version::text);
  RETURN NULL;
END $$;

CREATE TRIGGER "RoutingRuleSet_routing_notify" AFTER INSERT ON "RoutingRuleSet" FOR EACH ROW
  EXECUTE FUNCTION "sentral_routing_rules_changed"();
