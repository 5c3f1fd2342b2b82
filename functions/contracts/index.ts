import type { RouteContract } from '../kit/route-contract.ts';
import { deleteUploadToken, postCiUploads, postUploadToken } from './ci.ts';
import { getDocs, getDocsAsset, getOpenApi } from './docs.ts';
import { getHealth, getHealthReady } from './health.ts';
import {
  deleteApiToken,
  deleteInvitation,
  deleteMember,
  getApiTokens,
  getAuditEvents,
  getAuditVerify,
  getAuthCallback,
  getAuthGithub,
  getInvitations,
  getMe,
  getMembers,
  getOrgs,
  patchMember,
  postApiToken,
  postAuthLogout,
  postAuthRefresh,
  postInvitation,
  postInvitationAccept,
} from './identity.ts';
import { getIssue, getIssues, getPull, postIssueRegenerate } from './issues.ts';
import { postGithubWebhook } from './webhooks.ts';

/** Every route's contract; a test checks it matches the topology one-to-one. */
export const contracts: readonly RouteContract[] = [
  getHealth,
  getHealthReady,
  getOpenApi,
  getDocs,
  getDocsAsset,
  postGithubWebhook,
  getAuthGithub,
  getAuthCallback,
  postAuthRefresh,
  postAuthLogout,
  getMe,
  getOrgs,
  getMembers,
  patchMember,
  deleteMember,
  getInvitations,
  postInvitation,
  deleteInvitation,
  postInvitationAccept,
  getApiTokens,
  postApiToken,
  deleteApiToken,
  getAuditEvents,
  getAuditVerify,
  getIssues,
  getIssue,
  postIssueRegenerate,
  getPull,
  postCiUploads,
  postUploadToken,
  deleteUploadToken,
];
