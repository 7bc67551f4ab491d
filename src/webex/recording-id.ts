/** Recording IDs the bot accepts, from a person's text, a card's inputs or a webhook (the API uses UUIDs and 32-hex strings). */
export const RECORDING_ID = /^[A-Za-z0-9_-]{1,128}$/;
