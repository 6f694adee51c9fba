-- CreateTable
CREATE TABLE "InvoicePayment" (
    "id" UUID NOT NULL,
    "invoiceId" UUID NOT NULL,
    "channel" "Channel" NOT NULL,
    "reference" TEXT NOT NULL,
    "amount" DECIMAL(14,2) NOT NULL,
    "currency" TEXT NOT NULL,
    "succeeded" BOOLEAN NOT NULL,
    "confirmation" TEXT,
    "failure" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InvoicePayment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Product" (
    "number" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "inStock" INTEGER NOT NULL DEFAULT 0,
    "restockDate" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Product_pkey" PRIMARY KEY ("number")
);

-- CreateTable
CREATE TABLE "DeliveryZone" (
    "country" TEXT NOT NULL,
    "postcodeFrom" TEXT NOT NULL,
    "postcodeTo" TEXT NOT NULL,
    "workingDays" INTEGER NOT NULL,

    CONSTRAINT "DeliveryZone_pkey" PRIMARY KEY ("country","postcodeFrom")
);

-- CreateTable
CREATE TABLE "SelfServiceFlow" (
    "id" UUID NOT NULL,
    "channel" "Channel" NOT NULL,
    "address" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SelfServiceFlow_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConnectorSession" (
    "connector" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "value" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ConnectorSession_pkey" PRIMARY KEY ("connector","key")
);

-- CreateTable
CREATE TABLE "AgentVoiceEndpoint" (
    "agentId" UUID NOT NULL,
    "phoneNumber" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AgentVoiceEndpoint_pkey" PRIMARY KEY ("agentId")
);

-- CreateIndex
CREATE UNIQUE INDEX "InvoicePayment_reference_key" ON "InvoicePayment"("reference");

-- CreateIndex
CREATE INDEX "InvoicePayment_invoiceId_createdAt_idx" ON "InvoicePayment"("invoiceId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "SelfServiceFlow_channel_address_key" ON "SelfServiceFlow"("channel", "address");

-- CreateIndex
CREATE INDEX "ConnectorSession_expiresAt_idx" ON "ConnectorSession"("expiresAt");

-- AddForeignKey
ALTER TABLE "InvoicePayment" ADD CONSTRAINT "InvoicePayment_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentVoiceEndpoint" ADD CONSTRAINT "AgentVoiceEndpoint_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;
