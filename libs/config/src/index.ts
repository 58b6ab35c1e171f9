export {
  BeckonConfig,
  ConfigError,
  configSchema,
  isValidTimezone,
  loadConfig,
  requireConfig,
  HHMM_PATTERN,
  API_ROLES,
  ApiRoleName,
} from './beckon-config';
export { BECKON_CONFIG, ConfigModule } from './config.module';
export { defaultLogFormat, LogAudience, LogFormat } from './log-format';
