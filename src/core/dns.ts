/** DNS values the failover planning works on; the Route 53 port speaks the same shapes. */
/** Route 53 record sets, as drbot needs them (weighted and failover routing). */
export interface DnsRecordSet {
  name: string;
  type: string;
  ttl?: number;
  setIdentifier?: string;
  weight?: number;
  failover?: 'PRIMARY' | 'SECONDARY';
  healthCheckId?: string;
  records?: string[];
  aliasTarget?: { hostedZoneId: string; dnsName: string; evaluateTargetHealth: boolean };
}

export interface DnsChange {
  action: 'CREATE' | 'DELETE' | 'UPSERT';
  recordSet: DnsRecordSet;
}
