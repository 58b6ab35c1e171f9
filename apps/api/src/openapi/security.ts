/** Name of the OpenAPI security scheme for the X-API-Key header. */
export const API_KEY_SECURITY = 'api-key';
/** HTTP Basic with the write key as user name and an empty password, as Segment's libraries send it. */
export const WRITE_KEY_BASIC_SECURITY = 'write-key-basic';
