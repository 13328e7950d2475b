import { z } from 'zod';

/** Access tokens live at most this long (DESIGN: 15 minutes or less). */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
/** A refresh token chain survives this long without use, so a device offline for weeks resumes. */
export const REFRESH_TOKEN_TTL_SECONDS = 90 * 24 * 60 * 60;

export const credentialsSchema = z
  .object({
    email: z.string().trim().toLowerCase().email().max(254),
    password: z.string().min(8, 'password must have at least 8 characters').max(256),
  })
  .strict();
export type Credentials = z.infer<typeof credentialsSchema>;

export const refreshRequestSchema = z.object({ refreshToken: z.string().min(20).max(200) }).strict();
export type RefreshRequest = z.infer<typeof refreshRequestSchema>;

const passwordField = z.string().min(1).max(256);

/** `POST /api/auth/password`: the current password (re-authentication) and the new one. */
export const changePasswordSchema = z
  .object({
    currentPassword: passwordField,
    newPassword: passwordField,
  })
  .strict();
export type ChangePasswordRequest = z.infer<typeof changePasswordSchema>;

/** `DELETE /api/auth/account`: the account's password, typed again to confirm the erase. */
export const deleteAccountSchema = z.object({ password: passwordField }).strict();
export type DeleteAccountRequest = z.infer<typeof deleteAccountSchema>;

export interface AuthUser {
  id: string;
  email: string;
  role: 'user' | 'admin';
}

/** Answer of register, login and refresh. */
export interface TokenPair {
  user: AuthUser;
  accessToken: string;
  /** Epoch ms when `accessToken` expires. */
  accessTokenExpiresAt: number;
  refreshToken: string;
}
