-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "disabledAt" TIMESTAMP(3),
ADD COLUMN     "tokenVersion" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "pinHash" TEXT;
