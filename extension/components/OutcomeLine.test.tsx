// @vitest-environment happy-dom
// The outcome line of the file actions: nothing while idle or working, a status on success, a fresh alert on failure.
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { OutcomeLine } from './OutcomeLine.tsx';

afterEach(cleanup);

describe('the outcome line', () => {
  it('shows nothing until the action has ended', () => {
    const { container, rerender } = render(<OutcomeLine status={{ kind: 'idle' }} testId="library-status" />);
    expect(container.innerHTML).toBe('');
    rerender(<OutcomeLine status={{ kind: 'working' }} testId="library-status" />);
    expect(container.innerHTML).toBe('');
  });

  it('says a success as a status and a failure as an alert, under the same test id', () => {
    const { rerender } = render(<OutcomeLine status={{ kind: 'done', message: 'Backed up 3 books.' }} testId="library-status" />);
    expect(screen.getByRole('status').textContent).toBe('Backed up 3 books.');
    expect(screen.getByTestId('library-status')).toBe(screen.getByRole('status'));
    rerender(<OutcomeLine status={{ kind: 'failed', message: 'Not a backup.' }} testId="library-status" />);
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.getByRole('alert').textContent).toBe('Not a backup.');
    expect(screen.getByTestId('library-status')).toBe(screen.getByRole('alert'));
  });

  it('makes a failure after a success a new element, so that it is announced', () => {
    const { rerender } = render(<OutcomeLine status={{ kind: 'done', message: 'Imported.' }} testId="append-status" />);
    const success = screen.getByTestId('append-status');
    rerender(<OutcomeLine status={{ kind: 'failed', message: 'Unreadable file.' }} testId="append-status" />);
    expect(screen.getByTestId('append-status')).not.toBe(success);
    expect(success.isConnected).toBe(false);
  });
});
