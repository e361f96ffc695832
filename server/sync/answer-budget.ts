// The byte budget of one answer (ANSWER_BUDGET_BYTES): what the books in it may add up to, so that no client, however
// many books it has, makes the server hold more than this in memory for its answer.
import { ENVELOPE_BYTES, type PageBudget } from '../store/paging.ts';

export class AnswerBudget {
  private left: number;

  /** `answerBytes`: the whole answer; room for its envelope is set aside. */
  constructor(answerBytes: number) {
    this.left = Math.max(0, answerBytes - ENVELOPE_BYTES);
  }

  get remaining(): number {
    return this.left;
  }

  /** Counts bytes the answer carries whatever the budget (e.g. a sync result's status line). */
  spend(bytes: number): void {
    this.left = Math.max(0, this.left - bytes);
  }

  /** Counts `bytes` and answers true if they fit in what is left; otherwise counts nothing and answers false. */
  take(bytes: number): boolean {
    if (bytes > this.left) return false;
    this.left -= bytes;
    return true;
  }

  /** What is left, for a page of books; `atLeastOne` as in PageBudget. */
  page(atLeastOne: boolean): PageBudget {
    return { maxBytes: this.left, atLeastOne };
  }
}
