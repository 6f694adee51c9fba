-- CreateEnum
CREATE TYPE "KpiPeriod" AS ENUM ('day', 'week', 'month', 'quarter');

-- CreateEnum
CREATE TYPE "KpiMetric" AS ENUM ('serviceLevel', 'asaSeconds', 'ahtSeconds', 'abandonRate', 'satisfaction');

-- CreateTable
CREATE TABLE "KpiTarget" (
    "id" UUID NOT NULL,
    "queueId" TEXT NOT NULL,
    "period" "KpiPeriod" NOT NULL,
    "metric" "KpiMetric" NOT NULL,
    "target" DOUBLE PRECISION NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedBy" UUID,

    CONSTRAINT "KpiTarget_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContactRating" (
    "contactId" UUID NOT NULL,
    "score" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ContactRating_pkey" PRIMARY KEY ("contactId")
);

-- CreateTable
CREATE TABLE "ScheduledRun" (
    "name" TEXT NOT NULL,
    "lastRunAt" TIMESTAMP(3) NOT NULL,
    "result" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "ScheduledRun_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE UNIQUE INDEX "KpiTarget_queueId_period_metric_key" ON "KpiTarget"("queueId", "period", "metric");

-- CreateIndex
CREATE INDEX "ContactRating_at_idx" ON "ContactRating"("at");

-- AddForeignKey
ALTER TABLE "KpiTarget" ADD CONSTRAINT "KpiTarget_queueId_fkey" FOREIGN KEY ("queueId") REFERENCES "Queue"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContactRating" ADD CONSTRAINT "ContactRating_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact"("id") ON DELETE CASCADE ON UPDATE CASCADE;
