// The editor extensions of the writing room (typography, focus mode, typewriter scrolling), following the display
// settings live: they are created once per open book and read the latest settings whenever they act.
import type { Extensions } from '@tiptap/core';
import type { DisplaySettings } from './display-settings.ts';
import { quoteLanguage } from './display-settings.ts';
import { ProseTypography } from './typography.ts';
import { WritingAids } from './writing-aids.ts';

export class WritingRoom {
  private scroller: HTMLElement | null = null;
  readonly extensions: Extensions;

  constructor(
    private display: DisplaySettings,
    locale: string,
  ) {
    this.extensions = [
      ProseTypography.configure({ quotes: () => quoteLanguage(this.display.quotes, locale) }),
      WritingAids.configure({
        focusMode: () => this.display.focusMode,
        typewriter: () => this.display.typewriter,
        scroller: () => this.scroller,
      }),
    ];
  }

  show(display: DisplaySettings): void {
    this.display = display;
  }

  scrollsIn(element: HTMLElement | null): void {
    this.scroller = element;
  }
}
