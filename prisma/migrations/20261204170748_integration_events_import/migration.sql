-- CreateTable
CREATE TABLE "WorkflowRuleSet" (
    "version" SERIAL NOT NULL,
    "definition" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" UUID,

    CONSTRAINT "WorkflowRuleSet_pkey" PRIMARY KEY ("version")
);

-- CreateTable
CREATE TABLE "InboundEvent" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "customerId" UUID,
    "externalId" TEXT,
    "data" JSONB NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'pending',
    "result" JSONB NOT NULL DEFAULT '[]',
    "apiKeyId" UUID,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),

    CONSTRAINT "InboundEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImportJob" (
    "id" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "format" TEXT NOT NULL,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "errors" JSONB NOT NULL DEFAULT '[]',
    "startedBy" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "ImportJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "InboundEvent_status_receivedAt_idx" ON "InboundEvent"("status", "receivedAt");

-- A contact created with a callback step already in its journey (a callback task a workflow rule opened)
-- reports `callback.requested` in the transaction that creates it.
CREATE FUNCTION sentral_webhook_contact_callback_created() RETURNS trigger AS $$
BEGIN
  IF jsonb_typeof(NEW.journey) = 'array'
     AND EXISTS (SELECT 1 FROM jsonb_array_elements(NEW.journey) step WHERE step->>'step' = 'callback') THEN
    PERFORM sentral_webhook_enqueue('callback.requested', NEW.id, jsonb_build_object(
      'contactId', NEW.id, 'kind', 'callback', 'channel', NEW.channel, 'status', NEW.status, 'queueId', NEW."queueId",
      'agentId', NEW."agentId", 'customerId', NEW."customerId", 'actor', 'system',
      'at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'details', '{}'::jsonb));
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Contact_webhook_callback_created" AFTER INSERT ON "Contact" FOR EACH ROW EXECUTE FUNCTION sentral_webhook_contact_callback_created();
