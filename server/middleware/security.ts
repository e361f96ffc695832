// Security headers (and no-store) on every response, and the CORS policy: configured origins plus browser-extension origins.
import cors from '@koa/cors';
import type { AppMiddleware } from '../context.ts';

export function securityHeaders(): AppMiddleware {
  return async function securityHeaders(ctx, next) {
    ctx.set({
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Content-Security-Policy': "frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
      // Answers carry books and account data: no shared or browser cache may keep them.
      'Cache-Control': 'no-store',
    });
    if (ctx.secure) ctx.set('Strict-Transport-Security', 'max-age=31536000');
    await next();
  };
}

const EXTENSION_ORIGIN = /^(chrome-extension|moz-extension|safari-web-extension):\/\/[A-Za-z0-9.-]+$/;

export function isAllowedOrigin(origin: string, allowed: readonly string[]): boolean {
  return EXTENSION_ORIGIN.test(origin) || allowed.includes(origin);
}

export function corsPolicy(allowedOrigins: readonly string[]): AppMiddleware {
  return cors({
    // Returning '' leaves the response without CORS headers, so the browser refuses it.
    origin: (ctx) => (isAllowedOrigin(ctx.get('Origin'), allowedOrigins) ? ctx.get('Origin') : ''),
    // The extension authenticates with a bearer token, never with cookies, so no origin gets credentialed requests.
    credentials: false,
    allowMethods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'Content-Encoding', 'X-Request-Id'],
    exposeHeaders: ['Retry-After', 'X-Request-Id'],
    maxAge: 600,
  }) as AppMiddleware;
}
