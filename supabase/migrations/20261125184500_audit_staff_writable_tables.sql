-- Audit the staff/admin writes that had no audit trigger (issue 4: "every staff/admin write
-- records audit_log"). Found by comparing the tables whose write policies call
-- private.is_staff()/is_admin() with the tables that carry private.audit_row():
--   chat_conversations  staff update (assign, close), admin delete
--   chat_messages       staff insert (replies), admin delete
--   compare_list_items  admin delete
--   part_order_items    admin delete
--   price_history       admin delete (its inserts come from the vehicles trigger, whose own
--                       audit row already records the price change: not logged twice)
-- All are customer-owned or derived data, so only writes made by staff/admin are logged
-- ('staff_only'), as for the other customer tables.

create trigger chat_conversations_audit after insert or update or delete on public.chat_conversations
  for each row execute function private.audit_row('staff_only');
create trigger chat_messages_audit after insert or update or delete on public.chat_messages
  for each row execute function private.audit_row('staff_only');
create trigger compare_list_items_audit after insert or update or delete on public.compare_list_items
  for each row execute function private.audit_row('staff_only');
create trigger part_order_items_audit after insert or update or delete on public.part_order_items
  for each row execute function private.audit_row('staff_only');
create trigger price_history_audit after update or delete on public.price_history
  for each row execute function private.audit_row('staff_only');
