export const enum Priority {
  Low = 1,
  Normal = 5,
  Urgent = 10,
}

export enum TicketState {
  Open = "open",
  Pending = "pending",
  Closed = "closed",
}
