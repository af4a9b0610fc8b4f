/** The name cell of a household row: name, kana, closed or erased, residents, notes. */
import type { Household } from '@tsunagu/protocol';
import { useHouseholdMessages } from './messages';
import { usePrivacyMessages } from './privacy-messages';

export function HouseholdName({ household: h }: { household: Household }) {
  const th = useHouseholdMessages();
  const tp = usePrivacyMessages().t;
  // An erased household keeps only its number (its name, address and reasons are gone).
  const erased = h.closedAt !== null && h.name === '';
  return (
    <>
      <span className="cell-title">{erased ? tp('privacy.erasedName', { id: h.id }) : h.name}</span>
      {h.kana ? <span className="cell-sub">{h.kana}</span> : null}
      {h.closedAt && !erased ? (
        <span className="tag" data-testid="household-closed">
          {th('household.closedTag', { reason: h.closeReason })}
        </span>
      ) : null}
      {erased ? (
        <span className="tag" data-testid="household-erased">
          {tp('privacy.erasedTag')}
        </span>
      ) : null}
      {h.residents.length > 0 && !(h.residents.length === 1 && h.residents[0]?.name === h.name) && !erased ? (
        <span className="cell-sub">{h.residents.map((r) => r.name).join('、')}</span>
      ) : null}
      {h.notes ? <span className="cell-sub">{h.notes}</span> : null}
    </>
  );
}
