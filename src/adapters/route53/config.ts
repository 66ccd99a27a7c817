import { z } from 'zod';
import { secret } from '../../config/fields.ts';

/**
 * Options of the Route 53 adapter. Credentials, region and `AWS_ENDPOINT_URL_ROUTE_53` normally
 * come from the AWS SDK's own configuration chain; the fields here override it (tests, drills).
 */
export const route53ConfigSchema = z.object({
  endpoint: z.string().url().optional()
    .describe('Route 53 endpoint URL (a stand-in or a drill proxy); unset: the SDK reads AWS_ENDPOINT_URL_ROUTE_53, else AWS'),
  region: z.string().min(1).default('us-east-1')
    .describe('Signing region. Route 53 is global and signs in us-east-1 (cn-northwest-1 in China)'),
  credentials: z.object({
    accessKeyId: z.string().min(1).describe('AWS access key id'),
    secretAccessKey: secret(z.string().min(1), 'AWS secret access key'),
    sessionToken: secret(z.string().min(1).optional(), 'AWS session token (temporary credentials)'),
  }).optional().describe('Static credentials; unset: the SDK default chain (environment, profile, role)'),
  maxAttempts: z.number().int().min(1).max(5).default(2)
    .describe('Attempts per call inside the SDK; kept low because drbot\'s scheduler owns backoff'),
  requestTimeoutMs: z.number().int().positive().default(10_000).describe('Socket timeout of one HTTP request'),
  connectTimeoutMs: z.number().int().positive().default(3_000).describe('TCP connect timeout'),
  pageSize: z.number().int().min(1).max(300).optional()
    .describe('ListResourceRecordSets MaxItems per page (Route 53 default and maximum: 300)'),
}).strict();

export type Route53Config = z.infer<typeof route53ConfigSchema>;
export type Route53Options = z.input<typeof route53ConfigSchema>;
