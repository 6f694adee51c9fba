-- CreateTable
CREATE TABLE "ApiKey" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "scopes" TEXT[],
    "rateLimit" INTEGER,
    "expiresAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdBy" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookEndpoint" (
    "id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "events" TEXT[],
    "description" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "secret" TEXT NOT NULL,
    "previousSecret" TEXT,
    "previousSecretUntil" TIMESTAMP(3),
    "disabledReason" TEXT,
    "failingSince" TIMESTAMP(3),
    "createdBy" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebhookEndpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookOutbox" (
    "id" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "subjectId" UUID NOT NULL,
    "sequence" BIGINT NOT NULL,
    "data" JSONB NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "relayedAt" TIMESTAMP(3),

    CONSTRAINT "WebhookOutbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookSequence" (
    "subjectId" UUID NOT NULL,
    "last" BIGINT NOT NULL,

    CONSTRAINT "WebhookSequence_pkey" PRIMARY KEY ("subjectId")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" UUID NOT NULL,
    "endpointId" UUID NOT NULL,
    "eventId" BIGINT NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "responseCode" INTEGER,
    "latencyMs" INTEGER,
    "error" TEXT,
    "nextAttemptAt" TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" TIMESTAMP(3),

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- CreateIndex
CREATE INDEX "WebhookOutbox_relayedAt_id_idx" ON "WebhookOutbox"("relayedAt", "id");

-- CreateIndex
CREATE INDEX "WebhookOutbox_at_idx" ON "WebhookOutbox"("at");

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_nextAttemptAt_idx" ON "WebhookDelivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_endpointId_createdAt_idx" ON "WebhookDelivery"("endpointId", "createdAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_createdAt_idx" ON "WebhookDelivery"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_endpointId_eventId_key" ON "WebhookDelivery"("endpointId", "eventId");

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "WebhookEndpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Outbound events: the tables that record a change write the event into the outbox from a trigger,
-- so the event commits or rolls back with the change itself. Nothing is written while no enabled
-- endpoint asks for the event type.
CREATE FUNCTION sentral_webhook_enqueue(event_type text, subject uuid, payload jsonb) RETURNS void AS $$
DECLARE
  next_sequence bigint;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM "WebhookEndpoint" WHERE enabled AND event_type = ANY(events)) THEN
    RETURN;
  END IF;
  INSERT INTO "WebhookSequence" ("subjectId", last) VALUES (subject, 1)
    ON CONFLICT ("subjectId") DO UPDATE SET last = "WebhookSequence".last + 1
    RETURNING last INTO next_sequence;
  INSERT INTO "WebhookOutbox" (type, "subjectId", sequence, data)
    VALUES (event_type, subject, next_sequence, payload || jsonb_build_object('sequence', next_sequence));
END
$$ LANGUAGE plpgsql;

-- A contact's timeline row names what happened; the kinds that matter outside map to event types.
CREATE FUNCTION sentral_webhook_contact_event() RETURNS trigger AS $$
DECLARE
  event_type text;
  contact record;
BEGIN
  event_type := CASE NEW.type
    WHEN 'arrived' THEN 'contact.created'
    WHEN 'queued' THEN 'contact.queued'
    WHEN 'offered' THEN 'contact.offered'
    WHEN 'accepted' THEN 'contact.accepted'
    WHEN 'transferred' THEN 'contact.transferred'
    WHEN 'reassigned' THEN 'contact.transferred'
    WHEN 'ended' THEN 'contact.ended'
    WHEN 'self-served' THEN 'contact.ended'
    WHEN 'abandoned' THEN 'contact.abandoned'
    WHEN 'abandoned-in-self-service' THEN 'contact.abandoned'
    WHEN 'rated' THEN 'contact.rated'
    WHEN 'callback-requested' THEN 'callback.requested'
    ELSE NULL
  END;
  IF event_type IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT c.channel, c.status, c."queueId", c."agentId", c."customerId" INTO contact FROM "Contact" c WHERE c.id = NEW."contactId";
  PERFORM sentral_webhook_enqueue(event_type, NEW."contactId", jsonb_build_object(
    'contactId', NEW."contactId",
    'kind', NEW.type,
    'channel', contact.channel,
    'status', contact.status,
    'queueId', contact."queueId",
    'agentId', contact."agentId",
    'customerId', contact."customerId",
    'actor', NEW.actor,
    'at', to_char(NEW.at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'details', NEW.data));
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER "ContactEvent_webhook" AFTER INSERT ON "ContactEvent" FOR EACH ROW EXECUTE FUNCTION sentral_webhook_contact_event();

-- The voice channel notes a callback request in the contact's journey (step "callback"); the first
-- such step is the request.
CREATE FUNCTION sentral_webhook_contact_callback() RETURNS trigger AS $$
BEGIN
  IF jsonb_typeof(NEW.journey) = 'array'
     AND EXISTS (SELECT 1 FROM jsonb_array_elements(NEW.journey) step WHERE step->>'step' = 'callback')
     AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(OLD.journey) = 'array' THEN OLD.journey ELSE '[]'::jsonb END) step WHERE step->>'step' = 'callback') THEN
    PERFORM sentral_webhook_enqueue('callback.requested', NEW.id, jsonb_build_object(
      'contactId', NEW.id, 'kind', 'callback', 'channel', NEW.channel, 'status', NEW.status, 'queueId', NEW."queueId",
      'agentId', NEW."agentId", 'customerId', NEW."customerId", 'actor', 'customer',
      'at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'details', '{}'::jsonb));
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Contact_webhook_callback" AFTER UPDATE OF journey ON "Contact" FOR EACH ROW
  WHEN (OLD.journey IS DISTINCT FROM NEW.journey) EXECUTE FUNCTION sentral_webhook_contact_callback();

-- Customers: created, and changed in what an outside system knows (not the recomputed segment or revenue).
CREATE FUNCTION sentral_webhook_customer() RETURNS trigger AS $$
BEGIN
  PERFORM sentral_webhook_enqueue(CASE TG_OP WHEN 'INSERT' THEN 'customer.created' ELSE 'customer.updated' END, NEW.id, jsonb_build_object(
    'customerId', NEW.id, 'externalId', NEW."externalId", 'language', NEW.language,
    'at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')));
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Customer_webhook_insert" AFTER INSERT ON "Customer" FOR EACH ROW EXECUTE FUNCTION sentral_webhook_customer();
CREATE TRIGGER "Customer_webhook_update" AFTER UPDATE ON "Customer" FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.language IS DISTINCT FROM NEW.language OR OLD."externalId" IS DISTINCT FROM NEW."externalId"
        OR OLD.attributes IS DISTINCT FROM NEW.attributes OR OLD."creditScore" IS DISTINCT FROM NEW."creditScore")
  EXECUTE FUNCTION sentral_webhook_customer();

-- Payments taken through self-service, per customer.
CREATE FUNCTION sentral_webhook_payment() RETURNS trigger AS $$
DECLARE
  invoice record;
BEGIN
  SELECT i."customerId", i.number INTO invoice FROM "Invoice" i WHERE i.id = NEW."invoiceId";
  PERFORM sentral_webhook_enqueue('payment.recorded', invoice."customerId", jsonb_build_object(
    'paymentId', NEW.id, 'invoiceId', NEW."invoiceId", 'invoiceNumber', invoice.number, 'customerId', invoice."customerId",
    'amount', NEW.amount::text, 'currency', NEW.currency, 'succeeded', NEW.succeeded, 'channel', NEW.channel,
    'at', to_char(NEW."createdAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')));
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER "InvoicePayment_webhook" AFTER INSERT ON "InvoicePayment" FOR EACH ROW EXECUTE FUNCTION sentral_webhook_payment();
