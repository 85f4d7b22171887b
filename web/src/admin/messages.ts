// Merges the console's messages into the core i18n catalogs. Every console module that
// renders text imports this file, so the messages arrive with the first lazy admin chunk and
// never weigh on the sign-in page.
import { addMessages } from '../i18n'
import en from './i18n/en'
import zh from './i18n/zh'

addMessages({ en, zh })

export { t } from '../i18n'
