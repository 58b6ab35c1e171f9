/** Name of the OpenAPI security scheme for the X-API-Key header. */
export const API_KEY_SECURITY = 'api-key';
