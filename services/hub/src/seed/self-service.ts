import { demoFlow, parseFlow } from '@sentral/connector-voice';
import type { Prisma } from '../../../../prisma/generated/client.ts';

const DAY_MS = 86_400_000;

/** Products callers can ask about by number; a few are sold out with a restock date. */
const PRODUCTS: ReadonlyArray<{ number: string; name: string; inStock: number; restockInDays?: number }> = [
  { number: '100101', name: 'Varmepumpe Mitsubishi Electric Kirigamine Zen', inStock: 14 },
  { number: '100102', name: 'Varmepumpe Panasonic Etherea', inStock: 0, restockInDays: 9 },
  { number: '100103', name: 'Luft/vann-varmepumpe NIBE F2120', inStock: 3 },
  { number: '100104', name: 'Varmepumpe Toshiba Haori', inStock: 7 },
  { number: '100201', name: 'Oppvaskmaskin Bosch Serie 6', inStock: 22 },
  { number: '100202', name: 'Vaskemaskin Miele WWD 320', inStock: 0, restockInDays: 4 },
  { number: '100203', name: 'Kjøleskap Samsung RB38', inStock: 11 },
  { number: '100204', name: 'Tørketrommel Electrolux PerfectCare', inStock: 5 },
  { number: '100301', name: 'Bærbar PC Lenovo ThinkPad T14', inStock: 31 },
  { number: '100302', name: 'Bærbar PC Apple MacBook Air 13', inStock: 0 },
  { number: '100303', name: 'Skjerm Dell UltraSharp U2724D', inStock: 18 },
  { number: '100304', name: 'Multifunksjonsskriver HP LaserJet Pro', inStock: 6 },
  { number: '100401', name: 'TV LG OLED65C4', inStock: 2 },
  { number: '100402', name: 'Kaffemaskin Moccamaster KBG Select', inStock: 40 },
  { number: '100403', name: 'Støvsuger Dyson V15', inStock: 0, restockInDays: 14 },
];

/** Delivery times in working days by postcode range; the most specific range wins. */
const DELIVERY_ZONES: ReadonlyArray<{ country: string; postcodeFrom: string; postcodeTo: string; workingDays: number }> = [
  { country: 'NO', postcodeFrom: '0001', postcodeTo: '1299', workingDays: 1 },
  { country: 'NO', postcodeFrom: '1300', postcodeTo: '3999', workingDays: 2 },
  { country: 'NO', postcodeFrom: '4000', postcodeTo: '5999', workingDays: 2 },
  { country: 'NO', postcodeFrom: '6000', postcodeTo: '7999', workingDays: 3 },
  { country: 'NO', postcodeFrom: '8000', postcodeTo: '8999', workingDays: 4 },
  { country: 'NO', postcodeFrom: '9000', postcodeTo: '9999', workingDays: 5 },
  { country: 'DK', postcodeFrom: '1000', postcodeTo: '4999', workingDays: 1 },
  { country: 'DK', postcodeFrom: '3700', postcodeTo: '3799', workingDays: 3 },
  { country: 'DK', postcodeFrom: '5000', postcodeTo: '9999', workingDays: 2 },
];

/**
 * The demo tenant's self-service data: products, delivery zones and the IVR flow that answers
 * every called number. Written inside the tenant's seeding transaction.
 */
export async function seedSelfService(tx: Prisma.TransactionClient, now: Date): Promise<void> {
  await tx.product.createMany({
    data: PRODUCTS.map((product) => ({
      number: product.number,
      name: product.name,
      inStock: product.inStock,
      restockDate: product.restockInDays ? new Date(now.getTime() + product.restockInDays * DAY_MS) : null,
    })),
  });
  await tx.deliveryZone.createMany({ data: [...DELIVERY_ZONES] });
  await tx.selfServiceFlow.create({
    data: { channel: 'voice', address: '*', definition: parseFlow(demoFlow) as unknown as Prisma.InputJsonValue },
  });
}
