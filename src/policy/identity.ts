/** Non-root user and group the kit runs unprivileged containers as (and its runtime images' user). */
export const SANDBOX_UID = 1000;
