/** CAP 1.2 (and 1.1) as the hub reads it: the spec's enumerations, the parsed alert, and the refusal a bad message gets. */
import type { ErrorDetail } from '@tsunagu/protocol';

export const CAP_NAMESPACES: Record<string, '1.2' | '1.1'> = {
  'urn:oasis:names:tc:emergency:cap:1.2': '1.2',
  'urn:oasis:names:tc:emergency:cap:1.1': '1.1',
};
export const CAP_12_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';

export const STATUS = ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const;
export const MSG_TYPE = ['Alert', 'Update', 'Cancel', 'Ack', 'Error'] as const;
export const SCOPE = ['Public', 'Restricted', 'Private'] as const;
export const CATEGORY = [
  'Geo',
  'Met',
  'Safety',
  'Security',
  'Rescue',
  'Fire',
  'Health',
  'Env',
  'Transport',
  'Infra',
  'CBRNE',
  'Other',
] as const;
export const RESPONSE_TYPE = [
  'Shelter',
  'Evacuate',
  'Prepare',
  'Execute',
  'Avoid',
  'Monitor',
  'Assess',
  'AllClear',
  'None',
] as const;
export const URGENCY = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
export const SEVERITY = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
export const CERTAINTY_12 = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;
// CAP 1.1 also allowed "Very Likely" (deprecated).
export const CERTAINTY_11 = [...CERTAINTY_12, 'Very Likely'] as const;

/** A refusal with its HTTP status, stable code and the list of problems. */
export class CapError extends Error {
  constructor(
    public readonly statusCode: number,
    public readonly code: string,
    message: string,
    public readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'CapError';
  }
}

export interface CapValue {
  valueName: string;
  value: string;
}
export interface CapArea {
  areaDesc: string;
  polygons: string[];
  circles: string[];
  geocodes: CapValue[];
}
export interface CapInfo {
  language: string;
  categories: string[];
  event: string;
  responseTypes: string[];
  urgency: string;
  severity: string;
  certainty: string;
  effective?: string;
  onset?: string;
  expires?: string;
  senderName?: string;
  headline?: string;
  description?: string;
  instruction?: string;
  areas: CapArea[];
}
export interface CapReference {
  sender: string;
  identifier: string;
  sent: string;
}
export interface CapAlert {
  version: '1.2' | '1.1';
  identifier: string;
  sender: string;
  sent: string;
  status: string;
  msgType: string;
  scope: string;
  note?: string;
  references: CapReference[];
  infos: CapInfo[];
}
