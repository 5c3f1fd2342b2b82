import type { RouteContract } from '../kit/route-contract.ts';
import { deleteUploadToken, postCiUploads, postUploadToken } from './ci.ts';
import { getCodeHealthRun, getCodeHealthRuns, getPullValidation } from './code-health.ts';
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
import {
  getIssue,
  getIssues,
  getPull,
  postIssueRegenerate,
  postPullFlagForMerge,
  postPullRevalidate,
} from './issues.ts';
import {
  deleteRepoFollow,
  getNotifications,
  postNotificationRead,
  postNotificationsReadAll,
  putRepoFollow,
} from './notifications.ts';
import { deleteOrg, getOrgExport, getOrgExports, postOrgExport } from './org-data.ts';
import { getRepoSettings, putRepoSettings } from './repositories.ts';
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
  postPullRevalidate,
  postPullFlagForMerge,
  getPullValidation,
  getCodeHealthRuns,
  getCodeHealthRun,
  postCiUploads,
  postUploadToken,
  deleteUploadToken,
  getNotifications,
  postNotificationRead,
  postNotificationsReadAll,
  putRepoFollow,
  deleteRepoFollow,
  postOrgExport,
  getOrgExports,
  getOrgExport,
  deleteOrg,
  getRepoSettings,
  putRepoSettings,
];
