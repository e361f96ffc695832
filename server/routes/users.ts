// POST /api/users: account sign-up with email and a password that is not a common one (argon2id hash), limited per IP.
import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import { BODY_LIMITS } from '../../shared/limits.ts';
import { ErrorCode, FieldReason, SignUpRequest } from '../../shared/protocol.ts';
import { isCommonPassword } from '../auth/common-passwords.ts';
import { hashPassword, toPublicUser } from '../auth/passwords.ts';
import type { AppState, DepsWith } from '../context.ts';
import { ApiError, badRequest } from '../errors.ts';
import { jsonBody } from '../middleware/body.ts';
import type { Guards } from '../guards.ts';
import { EmailTakenError, normaliseEmail, type AccountStore, type User } from '../store/account-store.ts';
import { parse } from '../validate.ts';

export function userRoutes(deps: DepsWith<AccountStore>, guards: Guards): Router<AppState> {
  const router = new Router<AppState>();
  router.post('/api/users', guards.ipLimit, jsonBody({ limit: BODY_LIMITS.smallBytes }), async (ctx) => {
    const input = parse(SignUpRequest, ctx.request.body, 'Invalid sign-up');
    if (isCommonPassword(input.password)) {
      throw badRequest(
        'Invalid sign-up',
        { password: ['is one of the most common passwords; choose another'] },
        { password: FieldReason.commonPassword },
      );
    }
    const user: User = {
      id: randomUUID(),
      email: normaliseEmail(input.email),
      name: input.name || null,
      passwordHash: await hashPassword(input.password),
      createdAt: deps.now(),
    };
    try {
      await deps.store.createUser(user);
    } catch (error) {
      if (error instanceof EmailTakenError) throw new ApiError(409, ErrorCode.emailTaken, 'Email already registered');
      throw error;
    }
    ctx.status = 201;
    ctx.body = { success: true, data: toPublicUser(user) };
  });
  return router;
}
