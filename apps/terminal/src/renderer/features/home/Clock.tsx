import { formatClock, isUiLanguage, msUntilNextMinute } from '@tsunagu/ui';
import { type ReactElement, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Date and time in large type, redrawn exactly when the minute changes. */
export function Clock(): ReactElement {
  const { i18n } = useTranslation();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      setNow(new Date());
      timer = setTimeout(tick, msUntilNextMinute(Date.now()) + 50);
    };
    timer = setTimeout(tick, msUntilNextMinute(Date.now()) + 50);
    return () => clearTimeout(timer);
  }, []);
  const text = formatClock(now, isUiLanguage(i18n.language) ? i18n.language : 'ja');
  return (
    <div className="ts-clock" data-testid="clock">
      <time dateTime={now.toISOString()} className="ts-clock__date">
        {text.date}
      </time>
      <span className="ts-clock__time">{text.time}</span>
    </div>
  );
}
