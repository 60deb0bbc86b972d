export const EMAIL_LENGTH = 254;
export const PHONE_LENGTH = 32;
