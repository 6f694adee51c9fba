import type { Prisma } from '../../../../prisma/generated/client.ts';

export interface DemoArticle {
  language: 'nb' | 'da' | 'en';
  slug: string;
  title: string;
  category: string;
  tags: string[];
  body: string;
}

/**
 * The demo shop's help centre: the questions customers ask most, in Norwegian, Danish and English.
 * The knowledge-base quality set (test/fixtures/kb-queries.json) searches these.
 */
export const DEMO_ARTICLES: readonly DemoArticle[] = [
  // ---- Norsk (bokmål)
  {
    language: 'nb',
    slug: 'levering-og-frakt',
    title: 'Levering, leveringstid og fraktpriser',
    category: 'Levering',
    tags: ['frakt', 'leveringstid', 'hjemlevering', 'porto'],
    body: `Vi sender alle bestillinger fra lageret vårt på Gardermoen.

## Leveringstid
- Oslo og Akershus: 1 virkedag
- Resten av Sør-Norge: 2–3 virkedager
- Nord-Norge: 4–5 virkedager

Bestillinger lagt inn før kl. 14 sendes samme dag.

## Fraktpriser
Frakt koster 79 kr til hentested og 149 kr for hjemlevering. Over 1000 kr er frakten gratis. Store varer som hvitevarer og varmepumper leveres med bil; da avtaler transportøren tidspunkt med deg på SMS.`,
  },
  {
    language: 'nb',
    slug: 'spore-pakke',
    title: 'Slik sporer du pakken din',
    category: 'Levering',
    tags: ['sporing', 'sporingsnummer', 'pakke', 'forsendelse'],
    body: `Når pakken er sendt, får du en e-post og en SMS med sporingsnummer og en lenke til sporing hos Posten/Bring eller PostNord.

Sporingen oppdateres når pakken skannes på terminalen, så det kan ta noen timer før den første hendelsen vises. Står pakken stille i mer enn tre virkedager, ta kontakt med oss, så undersøker vi saken med transportøren.`,
  },
  {
    language: 'nb',
    slug: 'retur-og-angrerett',
    title: 'Retur og angrerett',
    category: 'Retur',
    tags: ['retur', 'angrerett', 'returlapp', 'bytte', 'returfrist'],
    body: `Du har 30 dagers angrerett fra den dagen du mottok varen. Varen må returneres i tilnærmet samme stand og mengde.

## Slik returnerer du
1. Logg inn på Min side og velg bestillingen.
2. Skriv ut returlappen og fest den på pakken.
3. Lever pakken på nærmeste hentested.

Returen er gratis. Vil du heller bytte til en annen størrelse eller farge, velger du «bytte» i stedet for «retur».`,
  },
  {
    language: 'nb',
    slug: 'refusjon',
    title: 'Når får jeg pengene tilbake?',
    category: 'Retur',
    tags: ['refusjon', 'tilbakebetaling', 'penger tilbake', 'kreditnota'],
    body: `Vi tilbakebetaler innen 14 dager etter at returen er mottatt og kontrollert på lageret.

Pengene går tilbake til samme betalingsmåte som du brukte: kort, Vipps eller faktura. Betalte du med faktura, får du en kreditnota, og fakturaen blir redusert tilsvarende.`,
  },
  {
    language: 'nb',
    slug: 'faktura-og-betalingsfrist',
    title: 'Faktura og betalingsfrist',
    category: 'Betaling',
    tags: ['faktura', 'forfallsdato', 'betalingsfrist', 'kid', 'efaktura'],
    body: `Handler du på faktura, får du fakturaen på e-post eller som eFaktura i nettbanken. Betalingsfristen er 14 dager fra fakturadato, og forfallsdatoen står øverst på fakturaen.

Husk å bruke KID-nummeret når du betaler. Fakturagebyr er 0 kr ved eFaktura og 39 kr for papirfaktura. Du ser alle fakturaer og saldoen din på Min side.`,
  },
  {
    language: 'nb',
    slug: 'purring-og-inkasso',
    title: 'Purring og inkasso',
    category: 'Betaling',
    tags: ['purring', 'inkasso', 'purregebyr', 'betalingsutsettelse', 'avdrag'],
    body: `Er fakturaen ikke betalt ved forfall, sender vi en purring med 14 dagers ny frist og et purregebyr på 35 kr. Betales den fortsatt ikke, går kravet til inkasso.

Trenger du betalingsutsettelse eller en avdragsordning, ta kontakt før forfallsdatoen, så finner vi en løsning.`,
  },
  {
    language: 'nb',
    slug: 'betalingsmater',
    title: 'Betalingsmåter',
    category: 'Betaling',
    tags: ['betaling', 'vipps', 'kort', 'delbetaling', 'visa', 'mastercard'],
    body: `Du kan betale med:
- Vipps
- Bankkort (Visa og Mastercard)
- Faktura med 14 dagers betalingsfrist
- Delbetaling over 12 eller 24 måneder

Kortet belastes først når varen sendes. Bedriftskunder kan også handle på konto.`,
  },
  {
    language: 'nb',
    slug: 'garanti-og-reklamasjon',
    title: 'Garanti og reklamasjon',
    category: 'Garanti',
    tags: ['garanti', 'reklamasjon', 'feil', 'reparasjon', 'defekt'],
    body: `Etter forbrukerkjøpsloven har du to års reklamasjonsrett, og fem år for varer som er ment å vare vesentlig lenger, som hvitevarer og varmepumper.

## Slik reklamerer du
Send oss en beskrivelse av feilen, gjerne med bilder, og ordrenummeret. Vi avgjør om varen skal repareres, byttes eller om du får pengene tilbake. Vi betaler frakten ved godkjent reklamasjon.`,
  },
  {
    language: 'nb',
    slug: 'apningstider',
    title: 'Åpningstider for kundeservice',
    category: 'Kontakt',
    tags: ['åpningstider', 'kundeservice', 'telefon', 'chat', 'kontakt'],
    body: `Kundeservice svarer på telefon og chat:
- Mandag–fredag: 08–20
- Lørdag: 10–16
- Søndag og helligdager: stengt

Utenfor åpningstiden kan du legge igjen en melding i chatten eller sende e-post, så svarer vi neste virkedag.`,
  },
  {
    language: 'nb',
    slug: 'endre-eller-avbestille',
    title: 'Endre eller avbestille en bestilling',
    category: 'Bestilling',
    tags: ['avbestille', 'endre bestilling', 'kansellere', 'leveringsadresse', 'adresse'],
    body: `Så lenge bestillingen ikke er sendt, kan du endre leveringsadresse eller avbestille den på Min side.

Er pakken allerede sendt, kan du ikke avbestille, men du kan nekte å ta imot den eller returnere den innen angrefristen. Vil du endre adressen på en sendt pakke, kontakt transportøren med sporingsnummeret.`,
  },
  {
    language: 'nb',
    slug: 'skadet-pakke',
    title: 'Pakken kom skadet eller mangler varer',
    category: 'Levering',
    tags: ['skadet', 'ødelagt', 'transportskade', 'mangler', 'knust'],
    body: `Er emballasjen skadet når du henter pakken, be om at skaden blir notert hos utleveringsstedet. Ta bilder av pakken og varen.

Meld fra til oss innen 7 dager med ordrenummer og bilder, så sender vi en ny vare eller gir deg pengene tilbake. Mangler det en vare i pakken, kan den komme i en egen forsendelse – sjekk sporingen først.`,
  },
  {
    language: 'nb',
    slug: 'hentested',
    title: 'Hentested og henting av pakke',
    category: 'Levering',
    tags: ['hentested', 'pakkeboks', 'post i butikk', 'hente', 'utleveringssted'],
    body: `Du velger hentested i kassen. Pakken ligger på hentestedet i 14 dager; du får en SMS med hentekode når den er klar.

Vil du bytte hentested etter at pakken er sendt, kan du gjøre det i Bring- eller PostNord-appen. Husk legitimasjon eller hentekode når du henter.`,
  },
  {
    language: 'nb',
    slug: 'glemt-passord',
    title: 'Glemt passord og innlogging på Min side',
    category: 'Konto',
    tags: ['passord', 'innlogging', 'min side', 'konto', 'bruker'],
    body: `Klikk «Glemt passord» på innloggingssiden og skriv e-postadressen din. Du får en lenke for å lage nytt passord; den virker i én time.

Får du ikke e-posten, sjekk søppelpost. Er kontoen låst etter for mange forsøk, vent 15 minutter og prøv igjen.`,
  },
  // ---- Dansk
  {
    language: 'da',
    slug: 'levering-og-fragt',
    title: 'Levering, leveringstid og fragtpriser',
    category: 'Levering',
    tags: ['fragt', 'leveringstid', 'hjemmelevering', 'porto'],
    body: `Vi sender alle ordrer fra vores lager i Køge.

## Leveringstid
- Sjælland: 1 hverdag
- Fyn og Jylland: 1–2 hverdage
- Bornholm: 3 hverdage

Ordrer afgivet før kl. 14 sendes samme dag.

## Fragtpriser
Fragt koster 39 kr. til pakkeshop og 69 kr. for levering til døren. Over 500 kr. er fragten gratis. Store varer som hvidevarer leveres med fragtmand, som aftaler tidspunkt med dig på SMS.`,
  },
  {
    language: 'da',
    slug: 'spor-din-pakke',
    title: 'Sådan sporer du din pakke',
    category: 'Levering',
    tags: ['sporing', 'trackingnummer', 'pakke', 'forsendelse', 'track and trace'],
    body: `Når pakken er afsendt, får du en e-mail og en SMS med trackingnummer og et link til sporing hos PostNord eller GLS.

Sporingen opdateres, når pakken scannes på terminalen, så der kan gå et par timer, før den første hændelse vises. Står pakken stille i mere end tre hverdage, så kontakt os, og vi undersøger sagen med fragtfirmaet.`,
  },
  {
    language: 'da',
    slug: 'returnering-og-fortrydelsesret',
    title: 'Returnering og fortrydelsesret',
    category: 'Returnering',
    tags: ['retur', 'fortrydelsesret', 'returlabel', 'ombytning', 'returfrist'],
    body: `Du har 30 dages fortrydelsesret fra den dag, du modtog varen. Varen skal sendes retur i væsentligt samme stand og mængde.

## Sådan returnerer du
1. Log ind på Min side, og vælg ordren.
2. Udskriv returlabel, og sæt den på pakken.
3. Aflever pakken i nærmeste pakkeshop.

Returneringen er gratis. Vil du hellere bytte til en anden størrelse eller farve, vælger du »ombytning« i stedet for »retur«.`,
  },
  {
    language: 'da',
    slug: 'refundering',
    title: 'Hvornår får jeg mine penge tilbage?',
    category: 'Returnering',
    tags: ['refundering', 'tilbagebetaling', 'penge tilbage', 'kreditnota'],
    body: `Vi tilbagebetaler senest 14 dage efter, at returneringen er modtaget og kontrolleret på lageret.

Pengene går tilbage til den betalingsmetode, du brugte: kort, MobilePay eller faktura. Betalte du med faktura, får du en kreditnota, og fakturaen bliver nedskrevet tilsvarende.`,
  },
  {
    language: 'da',
    slug: 'faktura-og-betalingsfrist',
    title: 'Faktura og betalingsfrist',
    category: 'Betaling',
    tags: ['faktura', 'forfaldsdato', 'betalingsfrist', 'betalingsservice'],
    body: `Handler du på faktura, får du fakturaen på e-mail eller i e-Boks. Betalingsfristen er 14 dage fra fakturadatoen, og forfaldsdatoen står øverst på fakturaen.

Husk at bruge betalingsreferencen (FI-kode), når du betaler. Fakturagebyret er 0 kr. via Betalingsservice og 29 kr. for papirfaktura. Du kan se alle fakturaer og din saldo på Min side.`,
  },
  {
    language: 'da',
    slug: 'rykker-og-inkasso',
    title: 'Rykker og inkasso',
    category: 'Betaling',
    tags: ['rykker', 'inkasso', 'rykkergebyr', 'henstand', 'afdrag'],
    body: `Er fakturaen ikke betalt ved forfald, sender vi en rykker med 10 dages ny frist og et rykkergebyr på 100 kr. Betales den stadig ikke, går kravet til inkasso.

Har du brug for henstand eller en afdragsordning, så kontakt os før forfaldsdatoen, så finder vi en løsning.`,
  },
  {
    language: 'da',
    slug: 'betalingsmetoder',
    title: 'Betalingsmetoder',
    category: 'Betaling',
    tags: ['betaling', 'mobilepay', 'dankort', 'kort', 'delbetaling'],
    body: `Du kan betale med:
- MobilePay
- Dankort, Visa og Mastercard
- Faktura med 14 dages betalingsfrist
- Delbetaling over 12 eller 24 måneder

Kortet trækkes først, når varen afsendes. Erhvervskunder kan også handle på konto.`,
  },
  {
    language: 'da',
    slug: 'garanti-og-reklamation',
    title: 'Garanti og reklamation',
    category: 'Garanti',
    tags: ['garanti', 'reklamation', 'fejl', 'reparation', 'defekt'],
    body: `Efter købeloven har du to års reklamationsret på varer købt som forbruger.

## Sådan reklamerer du
Send os en beskrivelse af fejlen, gerne med billeder, og dit ordrenummer. Vi afgør, om varen skal repareres, ombyttes, eller om du får pengene tilbage. Vi betaler fragten ved en godkendt reklamation.`,
  },
  {
    language: 'da',
    slug: 'abningstider',
    title: 'Åbningstider i kundeservice',
    category: 'Kontakt',
    tags: ['åbningstider', 'kundeservice', 'telefon', 'chat', 'kontakt'],
    body: `Kundeservice svarer på telefon og chat:
- Mandag–fredag: 8–20
- Lørdag: 10–16
- Søn- og helligdage: lukket

Uden for åbningstiden kan du lægge en besked i chatten eller sende en e-mail, så svarer vi næste hverdag.`,
  },
  {
    language: 'da',
    slug: 'aendre-eller-annullere-ordre',
    title: 'Ændre eller annullere en ordre',
    category: 'Bestilling',
    tags: ['annullere', 'ændre ordre', 'afbestille', 'leveringsadresse', 'adresse'],
    body: `Så længe ordren ikke er afsendt, kan du ændre leveringsadressen eller annullere den på Min side.

Er pakken allerede afsendt, kan du ikke annullere, men du kan nægte at modtage den eller returnere den inden for fortrydelsesfristen. Vil du ændre adressen på en afsendt pakke, så kontakt fragtfirmaet med trackingnummeret.`,
  },
  {
    language: 'da',
    slug: 'beskadiget-pakke',
    title: 'Pakken kom beskadiget eller mangler varer',
    category: 'Levering',
    tags: ['beskadiget', 'i stykker', 'transportskade', 'mangler', 'ødelagt'],
    body: `Er emballagen beskadiget, når du henter pakken, så bed om at få skaden noteret i pakkeshoppen. Tag billeder af pakken og varen.

Giv os besked inden for 7 dage med ordrenummer og billeder, så sender vi en ny vare eller giver dig pengene tilbage. Mangler der en vare i pakken, kan den komme i en separat forsendelse – tjek sporingen først.`,
  },
  {
    language: 'da',
    slug: 'pakkeshop',
    title: 'Pakkeshop og afhentning af pakker',
    category: 'Levering',
    tags: ['pakkeshop', 'pakkeboks', 'afhentning', 'hente', 'udleveringssted'],
    body: `Du vælger pakkeshop i kassen. Pakken ligger i pakkeshoppen i 14 dage; du får en SMS med afhentningskode, når den er klar.

Vil du skifte pakkeshop, efter at pakken er afsendt, kan du gøre det i PostNord-appen. Husk legitimation eller afhentningskode, når du henter.`,
  },
  {
    language: 'da',
    slug: 'glemt-adgangskode',
    title: 'Glemt adgangskode og login på Min side',
    category: 'Konto',
    tags: ['adgangskode', 'login', 'min side', 'konto', 'bruger'],
    body: `Klik på »Glemt adgangskode« på login-siden, og skriv din e-mailadresse. Du får et link til at lave en ny adgangskode; det virker i en time.

Får du ikke e-mailen, så tjek din spam-mappe. Er kontoen låst efter for mange forsøg, så vent 15 minutter og prøv igen.`,
  },
  // ---- English
  {
    language: 'en',
    slug: 'delivery-and-shipping',
    title: 'Delivery times and shipping costs',
    category: 'Delivery',
    tags: ['shipping', 'delivery time', 'home delivery', 'postage'],
    body: `We ship every order from our warehouse near Oslo.

## Delivery times
- Oslo area: 1 working day
- Southern Norway: 2–3 working days
- Northern Norway: 4–5 working days
- Denmark: 1–3 working days

Orders placed before 2 pm are dispatched the same day.

## Shipping costs
Shipping costs 79 NOK to a pickup point and 149 NOK for home delivery, and is free over 1000 NOK. Large items such as appliances and heat pumps come by van; the carrier arranges a time with you by text message.`,
  },
  {
    language: 'en',
    slug: 'track-your-parcel',
    title: 'How to track your parcel',
    category: 'Delivery',
    tags: ['tracking', 'tracking number', 'parcel', 'shipment', 'package'],
    body: `When your parcel is dispatched you get an email and a text message with the tracking number and a link to track it with Posten/Bring or PostNord.

Tracking updates when the parcel is scanned at a terminal, so the first event can take a few hours to appear. If the parcel has not moved for more than three working days, contact us and we will look into it with the carrier.`,
  },
  {
    language: 'en',
    slug: 'returns-and-right-of-withdrawal',
    title: 'Returns and the right of withdrawal',
    category: 'Returns',
    tags: ['return', 'withdrawal', 'return label', 'exchange', 'return period'],
    body: `You may withdraw from a purchase within 30 days of receiving the goods. Return the item in essentially the same condition and quantity.

## How to return an item
1. Sign in to My page and choose the order.
2. Print the return label and attach it to the parcel.
3. Drop the parcel off at your nearest pickup point.

Returns are free. To swap for another size or colour, choose "exchange" instead of "return".`,
  },
  {
    language: 'en',
    slug: 'refunds',
    title: 'When do I get my money back?',
    category: 'Returns',
    tags: ['refund', 'repayment', 'money back', 'credit note'],
    body: `We refund within 14 days of receiving and checking your return at the warehouse.

The money goes back to the payment method you used: card, Vipps, MobilePay or invoice. If you paid by invoice you get a credit note and the invoice is reduced accordingly.`,
  },
  {
    language: 'en',
    slug: 'invoices-and-due-dates',
    title: 'Invoices and payment deadlines',
    category: 'Payment',
    tags: ['invoice', 'due date', 'payment deadline', 'bill', 'e-invoice'],
    body: `If you buy on invoice, it arrives by email or as an e-invoice in your online bank. You have 14 days from the invoice date to pay, and the due date is printed at the top of the invoice.

Always pay with the payment reference (KID). E-invoices carry no fee; paper invoices cost 39 NOK. You can see all your invoices and your balance on My page.`,
  },
  {
    language: 'en',
    slug: 'reminders-and-debt-collection',
    title: 'Payment reminders and debt collection',
    category: 'Payment',
    tags: ['reminder', 'debt collection', 'reminder fee', 'payment extension', 'instalments'],
    body: `If an invoice is unpaid when it falls due, we send a reminder with a new 14-day deadline and a 35 NOK reminder fee. If it still is not paid, the claim goes to debt collection.

If you need a payment extension or an instalment plan, contact us before the due date and we will find a solution.`,
  },
  {
    language: 'en',
    slug: 'payment-methods',
    title: 'Payment methods',
    category: 'Payment',
    tags: ['payment', 'card', 'vipps', 'mobilepay', 'instalments', 'visa', 'mastercard'],
    body: `You can pay with:
- Vipps (Norway) or MobilePay (Denmark)
- Visa or Mastercard
- Invoice with 14 days to pay
- Instalments over 12 or 24 months

Your card is charged only when the goods are dispatched. Business customers can also buy on account.`,
  },
  {
    language: 'en',
    slug: 'warranty-and-complaints',
    title: 'Warranty and complaints about faulty goods',
    category: 'Warranty',
    tags: ['warranty', 'guarantee', 'complaint', 'faulty', 'repair', 'defect'],
    body: `Consumers have two years to complain about faulty goods, and five years in Norway for goods meant to last considerably longer, such as appliances and heat pumps.

## How to make a complaint
Send us a description of the fault, ideally with photos, and your order number. We decide whether the item is repaired or replaced or whether you get your money back. We pay the shipping when a complaint is accepted.`,
  },
  {
    language: 'en',
    slug: 'opening-hours',
    title: 'Customer service opening hours',
    category: 'Contact',
    tags: ['opening hours', 'customer service', 'phone', 'chat', 'contact'],
    body: `Customer service answers the phone and the chat:
- Monday–Friday: 8 am – 8 pm
- Saturday: 10 am – 4 pm
- Sundays and public holidays: closed

Outside opening hours you can leave a message in the chat or send an email, and we reply on the next working day.`,
  },
  {
    language: 'en',
    slug: 'change-or-cancel-an-order',
    title: 'Change or cancel an order',
    category: 'Orders',
    tags: ['cancel', 'change order', 'cancellation', 'delivery address', 'address'],
    body: `As long as the order has not been dispatched you can change the delivery address or cancel it on My page.

Once the parcel has been sent you can no longer cancel, but you can refuse to accept it or return it within the withdrawal period. To change the address of a parcel already sent, contact the carrier with the tracking number.`,
  },
  {
    language: 'en',
    slug: 'damaged-parcel',
    title: 'The parcel arrived damaged or items are missing',
    category: 'Delivery',
    tags: ['damaged', 'broken', 'transport damage', 'missing', 'crushed'],
    body: `If the packaging is damaged when you collect the parcel, ask the pickup point to note the damage. Take photos of the parcel and the item.

Tell us within 7 days with your order number and photos, and we will send a replacement or refund you. If an item is missing from the parcel it may come in a separate shipment – check the tracking first.`,
  },
  {
    language: 'en',
    slug: 'pickup-points',
    title: 'Pickup points and collecting parcels',
    category: 'Delivery',
    tags: ['pickup point', 'parcel locker', 'collect', 'collection'],
    body: `You choose a pickup point at checkout. The parcel waits there for 14 days; you get a text message with a collection code when it is ready.

To switch pickup point after the parcel has been sent, use the Bring or PostNord app. Bring ID or the collection code when you collect.`,
  },
  {
    language: 'en',
    slug: 'forgotten-password',
    title: 'Forgotten password and signing in to My page',
    category: 'Account',
    tags: ['password', 'sign in', 'login', 'my page', 'account'],
    body: `Click "Forgot password" on the sign-in page and enter your email address. You get a link to choose a new password; it works for one hour.

If the email does not arrive, check your spam folder. If the account is locked after too many attempts, wait 15 minutes and try again.`,
  },
];

/** Publishes the demo articles; written inside the tenant's seeding transaction. */
export async function seedKnowledgeBase(tx: Prisma.TransactionClient, now: Date): Promise<void> {
  await tx.kbArticle.createMany({
    data: DEMO_ARTICLES.map((article) => ({ ...article, status: 'published' as const, publishedAt: now })),
  });
}
